using System.Collections.Concurrent;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>Every notification the engine sent, to see that an acknowledgement through the API reaches the sinks.</summary>
public sealed class RecordingAlertSink : IAlertSink
{
    public ConcurrentQueue<AlertNotification> Notifications { get; } = new();

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        Notifications.Enqueue(notification);
        return ValueTask.CompletedTask;
    }
}
