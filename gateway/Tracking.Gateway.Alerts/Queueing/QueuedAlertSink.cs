using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A sink that hands each notification to its own <see cref="AlertOutbox{T}"/> and delivers it from there, so
/// <see cref="PublishAsync"/> returns at once whatever its server is doing.
/// </summary>
public abstract class QueuedAlertSink : IAlertSink, IAsyncDisposable
{
    private int _disposed;

    private protected QueuedAlertSink(string queueName, int queueCapacity, ILogger logger)
    {
        Outbox = new AlertOutbox<AlertNotification>(queueName, queueCapacity, DeliverAsync, logger);
    }

    internal AlertOutbox<AlertNotification> Outbox { get; }

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        Outbox.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs on the queue's worker, one notification at a time, in order.</summary>
    private protected abstract Task DeliverAsync(AlertNotification notification, CancellationToken ct);

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
