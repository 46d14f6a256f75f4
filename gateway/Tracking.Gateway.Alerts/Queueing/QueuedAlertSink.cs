using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A sink that hands each notification (an alert change or a predictive warning) to its own <see cref="AlertOutbox{T}"/>
/// and delivers it from there, so <see cref="PublishAsync"/> returns at once whatever its server is doing: having taken
/// the notification (queued, and journaled when the sink has a journal directory), or with an
/// <see cref="AlertQueueRefusedException"/> when it could not (queue full, journal unwritable), so that the dispatcher
/// keeps it owed for this sink.
/// </summary>
public abstract class QueuedAlertSink : IAlertSink, IWarningSink, IAsyncDisposable
{
    private int _disposed;

    /// <param name="drainTimeout">How long a stop lets the queue drain (Alerts:DrainTimeout).</param>
    /// <param name="spillDirectory">Where the queue is journaled until delivered, for the next start (Alerts:OutboxDirectory); null: nowhere.</param>
    private protected QueuedAlertSink(string queueName, int queueCapacity, ILogger logger, TimeSpan drainTimeout = default, string? spillDirectory = null)
    {
        string? spill = string.IsNullOrEmpty(spillDirectory) ? null : Path.Combine(spillDirectory, AlertOutbox<SinkItem>.SpillFileName(queueName));
        Outbox = new AlertOutbox<SinkItem>(queueName, queueCapacity, DeliverItemAsync, logger, drainTimeout, spill);
    }

    internal AlertOutbox<SinkItem> Outbox { get; }

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct) =>
        Outbox.TryEnqueue(notification, out AlertQueueRefusedException? refusal) ? ValueTask.CompletedTask : ValueTask.FromException(refusal);

    /// <summary>
    /// As <see cref="PublishAsync"/> (issue 12): the rule store owes predictive warnings too, so a warning is taken only
    /// when queued (and journaled), and refused with an <see cref="AlertQueueRefusedException"/> otherwise; the dispatcher
    /// hands it over again, in its place among the alert changes (a warning's end after the alarm that ended it).
    /// </summary>
    public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct) =>
        Outbox.TryEnqueue(notification, out AlertQueueRefusedException? refusal)
            ? ValueTask.CompletedTask
            : ValueTask.FromException(refusal);

    private Task DeliverItemAsync(SinkItem item, CancellationToken ct) =>
        item.Alert is { } alert ? DeliverAsync(alert, ct) : DeliverWarningAsync(item.Warning!, ct);

    /// <summary>Runs on the queue's worker, one notification at a time, in order.</summary>
    private protected abstract Task DeliverAsync(AlertNotification notification, CancellationToken ct);

    /// <summary>As <see cref="DeliverAsync"/>, for a predictive warning.</summary>
    private protected abstract Task DeliverWarningAsync(WarningNotification notification, CancellationToken ct);

    /// <summary>After the queue stopped: release what the sink owns.</summary>
    private protected virtual void ReleaseResources()
    {
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as an IAlertSink: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Outbox.DisposeAsync().ConfigureAwait(false);
        ReleaseResources();
        GC.SuppressFinalize(this);
    }
}
