using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A bounded queue with one worker: the engine calls sinks one at a time, so a sink must hand the notification over and
/// return instead of waiting for a broker, InfluxDB or a webhook. When the queue is full the oldest item is dropped
/// (counted and logged): the newest state of an alert matters more than an old transition nobody could deliver.
/// A stop first lets the worker drain the queue for up to the drain timeout, then cancels. With a spill file, every
/// item is journaled there when it is queued (<see cref="OutboxJournal{T}"/>) and marked when delivered, so what a stop
/// or a crash leaves undelivered (the queue and a delivery in progress) is queued again, first, by the next outbox of
/// that file (the next start): nothing handed over by the engine is lost, at the price of a possible second delivery of
/// the items in progress (receivers dedupe by id).
/// </summary>
internal sealed class AlertOutbox<T> : IAsyncDisposable
{
    private readonly Channel<(long Seq, T Item)> _queue;
    private readonly Func<T, CancellationToken, Task> _handle;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions SpillJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly TimeSpan _drainTimeout;
    private readonly string? _spillFile;
    private readonly object _currentLock = new();
    private (long Seq, T Item) _current;
    private bool _hasCurrent;
    private readonly Lock _journalLock = new();
    private OutboxJournal<T>? _journal;
    private long _dropped;
    private long _processed;
    private long _failed;
    private int _disposed;

    /// <param name="drainTimeout">How long a stop lets the worker deliver what is queued before it cancels.</param>
    /// <param name="spillFile">Where a stop writes what it could not deliver, and where a new outbox reads it back from; null: nowhere.</param>
    public AlertOutbox(string name, int capacity, Func<T, CancellationToken, Task> handle, ILogger logger, TimeSpan drainTimeout = default,
        string? spillFile = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _name = name;
        _handle = handle;
        _logger = logger;
        _drainTimeout = drainTimeout;
        _spillFile = spillFile;
        _queue = Channel.CreateBounded<(long Seq, T Item)>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => OnDropped());
        Restore();
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The spill file name of a queue: its name made file-safe (a webhook's name holds its URL).</summary>
    public static string SpillFileName(string queueName) =>
        "outbox-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(queueName)))[..16] + ".jsonl";

    /// <summary>Queues what the last run left undelivered, before anything new, and opens the journal.</summary>
    private void Restore()
    {
        if (_spillFile is null) return;
        var journal = new OutboxJournal<T>(_spillFile, SpillJson);
        try
        {
            (List<(long Seq, T Item)> pending, int unreadable) = journal.Open();
            if (unreadable > 0) Log.OutboxJournalUnreadable(_logger, _name, unreadable, _spillFile);
            foreach ((long Seq, T Item) entry in pending) _queue.Writer.TryWrite(entry);
            if (pending.Count > 0) Log.OutboxRestored(_logger, _name, pending.Count, _spillFile);
            _journal = journal;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in place for a later start; this run queues in memory only.
            journal.Dispose();
            Log.OutboxJournalFailed(_logger, ex, _name, _spillFile);
        }
    }

    /// <summary>Items dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Items the handler finished, successfully or not.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Items whose handler threw (logged, not retried here: a handler that must retry does so itself).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public int Count => _queue.Reader.Count;

    /// <summary>Never waits for delivery (a full queue drops its oldest item instead); with a journal, the item is on disk when it returns.</summary>
    public void Enqueue(T item)
    {
        lock (_journalLock)
        {
            // Under the lock, so the queue's order is the journal's and "done up to n" stays a prefix.
            long seq = 0;
            if (_journal is not null)
            {
                try
                {
                    seq = _journal.Append(item);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
                {
                    Log.OutboxJournalFailed(_logger, ex, _name, _journal.Path);
                }
            }
            if (!_queue.Writer.TryWrite((seq, item))) Log.OutboxClosed(_logger, _name);
        }
    }

    private void MarkDone(long seq)
    {
        if (seq == 0) return;
        lock (_journalLock)
        {
            try
            {
                _journal?.Done(seq);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                // Only costs a second delivery after a restart.
                Log.OutboxJournalFailed(_logger, ex, _name, _journal!.Path);
            }
        }
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
            await foreach ((long Seq, T Item) entry in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                lock (_currentLock) (_current, _hasCurrent) = (entry, true);
                try
                {
                    await _handle(entry.Item, _stop.Token).ConfigureAwait(false);
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
                lock (_currentLock) (_current, _hasCurrent) = (default, false);
                MarkDone(entry.Seq);
                Interlocked.Increment(ref _processed);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: what is still queued stays in the journal (when there is one) for the next start.
        }
    }

    /// <summary>Idempotent: a sink registered under two service types is disposed by the container twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        // Drain: the worker ends by itself once the queue is empty.
        bool stopped = await EndsWithinAsync(_drainTimeout).ConfigureAwait(false);
        if (!stopped)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            // A handler may wait on something cancellation does not cover (a QoS 1 PUBACK from a broker that is gone):
            // the stop does not wait for it longer than this.
            stopped = await EndsWithinAsync(StopTimeout).ConfigureAwait(false);
            if (!stopped) Log.OutboxStopTimedOut(_logger, _name, StopTimeout);
        }
        List<(long Seq, T Item)> left = [];
        lock (_currentLock)
        {
            if (_hasCurrent) left.Add(_current);
        }
        while (_queue.Reader.TryRead(out (long Seq, T Item) entry)) left.Add(entry);
        if (left.Count > 0) Keep(left);
        lock (_journalLock)
        {
            _journal?.Dispose();
            _journal = null;
        }
        if (stopped) _stop.Dispose();
    }

    private async Task<bool> EndsWithinAsync(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) return _worker.IsCompleted;
        try
        {
            await _worker.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>What a stop leaves undelivered is in the journal already; an item the journal could not take is lost.</summary>
    private void Keep(List<(long Seq, T Item)> left)
    {
        int unjournaled = left.Count(e => e.Seq == 0);
        if (_spillFile is null || _journal is null || unjournaled > 0)
        {
            Log.OutboxLost(_logger, _name, unjournaled > 0 ? unjournaled : left.Count);
        }
        if (_spillFile is not null && _journal is not null && left.Count > unjournaled)
        {
            Log.OutboxSpilled(_logger, _name, left.Count - unjournaled, _spillFile);
        }
    }
}
