namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// Where alert changes go out (MQTT, InfluxDB <c>alert</c>, webhooks). The engine calls it after the store has the change,
/// one call at a time; a sink that throws is logged and does not stop the rules, so a sink that must not lose a
/// notification keeps its own queue and retries.
/// </summary>
public interface IAlertSink
{
    ValueTask PublishAsync(AlertNotification notification, CancellationToken ct);
}
