namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// Where alert changes go out (MQTT, InfluxDB <c>alert</c>, webhooks). Called by the <see cref="AlertDispatcher"/> with
/// the notifications the rule store owes (recorded with each change, README "Notification outbox"), one call at a time,
/// in the store's order. Returning means the sink took it: the store may forget it once every sink did, so a sink that
/// must not lose a notification makes it durable (its own journal) before it returns, and throws when it cannot (its
/// queue full, its journal unwritable). A sink that throws is logged and gets the notification again at a later
/// dispatch round; it never stops the rules.
/// </summary>
public interface IAlertSink
{
    ValueTask PublishAsync(AlertNotification notification, CancellationToken ct);
}
