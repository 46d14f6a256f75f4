using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Tests.Rules;

/// <summary>Keeps every notification the engine sends.</summary>
public sealed class RecordingAlertSink : IAlertSink
{
    private readonly List<AlertNotification> _seen = [];

    public IReadOnlyList<AlertNotification> Seen { get { lock (_seen) return [.. _seen]; } }

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        lock (_seen) _seen.Add(notification);
        return ValueTask.CompletedTask;
    }
}
