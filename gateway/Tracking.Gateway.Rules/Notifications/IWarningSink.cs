namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// Where predictive warnings go out when issued and when they end (MQTT, InfluxDB <c>warning</c>, webhooks). Not alerts:
/// nothing is stored, nothing to acknowledge or escalate. The engine calls it as it calls <see cref="IAlertSink"/>: one
/// call at a time, a sink that throws is logged, so a sink queues rather than waits for its server.
/// </summary>
public interface IWarningSink
{
    ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct);
}
