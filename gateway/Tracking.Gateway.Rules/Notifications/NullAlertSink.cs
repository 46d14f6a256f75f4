namespace Tracking.Gateway.Rules.Notifications;

/// <summary>The default sink until a real one is registered: alerts are still stored and logged.</summary>
public sealed class NullAlertSink : IAlertSink
{
    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct) => ValueTask.CompletedTask;
}
