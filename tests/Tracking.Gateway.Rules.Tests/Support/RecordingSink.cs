using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>Keeps every notification, in order.</summary>
public sealed class RecordingSink : IAlertSink
{
    private readonly List<AlertNotification> _seen = [];

    public IReadOnlyList<AlertNotification> Seen
    {
        get
        {
            lock (_seen) return [.. _seen];
        }
    }

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        lock (_seen) _seen.Add(notification);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<AlertNotification> Of(AlertTransition transition) => [.. Seen.Where(n => n.Transition == transition)];
}
