using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Api.Live;

/// <summary>The rules' alert changes into the live view and the stream (the engine calls its sinks after the store has the change).</summary>
internal sealed class LiveAlertSink(LiveBoard board) : IAlertSink
{
    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        board.ApplyAlert(notification);
        return ValueTask.CompletedTask;
    }
}
