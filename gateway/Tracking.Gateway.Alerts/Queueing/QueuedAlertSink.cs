using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A sink that hands each notification to its own <see cref="AlertOutbox{T}"/> and delivers it from there, so
/// <see cref="PublishAsync"/> returns at once whatever its server is doing.
/// </summary>
public abstract class QueuedAlertSink : IAlertSink, IWarningSink, IAsyncDisposable
{
    private int _disposed;

    /// <param name="drainTimeout">How long a stop lets the queue drain (Alerts:DrainTimeout).</param>
    /// <param name="spillDirectory">Where a stop keeps what it could not deliver for the next start (Alerts:OutboxDirectory); null: lost.</param>
    private protected QueuedAlertSink(string queueName, int queueCapacity, ILogger logger, TimeSpan drainTimeout = default, string? spillDirectory = null)
    {
        string? spill = string.IsNullOrEmpty(spillDirectory) ? null : Path.Combine(spillDirectory, AlertOutbox<SinkItem>.SpillFileName(queueName));
        Outbox = new AlertOutbox<SinkItem>(queueName, queueCapacity, DeliverItemAsync, logger, drainTimeout, spill);
    }

    internal AlertOutbox<SinkItem> Outbox { get; }

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        Outbox.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    /// <summary>Queued behind the alert changes before it, so a warning's end and the alarm that ended it go out in order.</summary>
    public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
    {
        Outbox.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

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
