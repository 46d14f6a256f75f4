using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Bench;

/// <summary>The band alarms an engine raised: band, excursion start and the device time of the alarm.</summary>
internal sealed class AlarmRecorder : IAlertSink
{
    public List<(string Band, long SinceMs, long AlarmMs)> Alarms { get; } = [];

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        var a = notification.Alert;
        if (notification.Transition == AlertTransition.Raised && a.Band is { } band)
        {
            // Late = raise time - the alarm's device time: the reading that completed the delay.
            Alarms.Add((band, a.Since.ToUnixTimeMilliseconds(), (a.RaisedAt - a.Late).ToUnixTimeMilliseconds()));
        }
        return ValueTask.CompletedTask;
    }
}
