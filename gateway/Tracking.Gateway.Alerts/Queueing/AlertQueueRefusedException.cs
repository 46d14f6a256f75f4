namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A sink's queue did not take a notification: it is neither queued nor journaled, so the sink does not have it. Thrown
/// by <c>PublishAsync</c> so that the rules' <c>AlertDispatcher</c> keeps it owed for that sink and hands it over again
/// at a later round (issue 12): a sink never counts as delivered what it could lose.
/// </summary>
public sealed class AlertQueueRefusedException(string queue, AlertQueueRefusal reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The queue's name: <c>mqtt</c>, <c>influx</c>, <c>webhook {url}</c>.</summary>
    public string Queue { get; } = queue;

    public AlertQueueRefusal Reason { get; } = reason;
}
