using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>Keeps every notification (alerts and predictive warnings), in order.</summary>
public sealed class RecordingSink : IAlertSink, IWarningSink
{
    private readonly List<AlertNotification> _seen = [];
    private readonly List<WarningNotification> _warnings = [];

    public IReadOnlyList<WarningNotification> Warnings
    {
        get
        {
            lock (_warnings) return [.. _warnings];
        }
    }

    public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
    {
        lock (_warnings) _warnings.Add(notification);
        return ValueTask.CompletedTask;
    }

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
