namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// Where predictive warnings go out when issued and when they end (MQTT, InfluxDB <c>warning</c>, webhooks). Not alerts:
/// nothing to acknowledge or escalate. As an <see cref="IAlertSink"/> (issue 12): the rule store records each issue and
/// end in its outbox and the <see cref="AlertDispatcher"/> hands them over, one call at a time, in the store's order
/// (with the alert changes, when the same object is both). Returning means the sink took it; a sink that cannot take it
/// (a full queue, a journal that cannot be written) throws, and gets it again at a later dispatch round.
/// </summary>
public interface IWarningSink
{
    ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct);
}
