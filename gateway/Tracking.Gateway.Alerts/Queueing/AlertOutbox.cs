using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A bounded queue with one worker: the engine calls sinks one at a time, so a sink must hand the notification over and
/// return instead of waiting for a broker, InfluxDB or a webhook. When the queue is full the oldest item is dropped
/// (counted and logged): the newest state of an alert matters more than an old transition nobody could deliver.
/// </summary>
internal sealed class AlertOutbox<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue;
    private readonly Func<T, CancellationToken, Task> _handle;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private long _dropped;
    private long _processed;
    private long _failed;
    private int _disposed;

    public AlertOutbox(string name, int capacity, Func<T, CancellationToken, Task> handle, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _name = name;
        _handle = handle;
        _logger = logger;
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => OnDropped());
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Items dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Items the handler finished, successfully or not.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Items whose handler threw (logged, not retried here: a handler that must retry does so itself).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public int Count => _queue.Reader.Count;

    /// <summary>Never waits: a full queue drops its oldest item instead.</summary>
    public void Enqueue(T item)
    {
        if (!_queue.Writer.TryWrite(item)) Log.OutboxClosed(_logger, _name);
    }

    private void OnDropped()
    {
        long dropped = Interlocked.Increment(ref _dropped);
        Log.OutboxFull(_logger, _name, dropped);
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (T item in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await _handle(item, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref _failed);
                    Log.HandlerFailed(_logger, ex, _name);
                }
                Interlocked.Increment(ref _processed);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: what is still queued is lost, as on a crash; the alert state itself is in the rule store.
        }
    }

    /// <summary>Idempotent: a sink registered under two service types is disposed by the container twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        // A handler may wait on something cancellation does not cover (a QoS 1 PUBACK from a broker that is gone):
        // the stop does not wait for it longer than this.
        try
        {
            await _worker.WaitAsync(StopTimeout).ConfigureAwait(false);
            _stop.Dispose();
        }
        catch (TimeoutException)
        {
            Log.OutboxStopTimedOut(_logger, _name, StopTimeout);
        }
    }
}
