using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A bounded queue with one worker: the engine calls sinks one at a time, so a sink must hand the notification over and
/// return instead of waiting for a broker, InfluxDB or a webhook. When the queue is full it refuses the new item (counted,
/// logged once per episode): what it queued was taken for delivery and stays queued, and a notification refused (an alert
/// change, a predictive warning) stays owed by the rule store, which hands it over again (issue 12). A stop first lets
/// the worker drain the queue for up to the drain timeout, then cancels. With a spill file, every item is journaled there
/// when it is queued (<see cref="OutboxJournal{T}"/>) and marked when delivered, so what a stop or a crash leaves undelivered (the queue and
/// a delivery in progress) is queued again, first, by the next outbox of that file (the next start): nothing the outbox
/// took is lost, at the price of a possible second delivery of the items in progress (receivers dedupe by id).
/// <see cref="Enqueue"/> takes an item only when the journal has it (alert changes and predictive warnings: the rule store
/// owes them); <see cref="Offer"/> (what no one hands over again: config work) queues it in memory only while the journal
/// cannot be written.
/// </summary>
internal sealed class AlertOutbox<T> : IAsyncDisposable
{
    // Unbounded: the bound is kept by Add (under _addLock), so that the items restored from the journal at a start all
    // get in (a full queue and the delivery in progress are one more than the capacity). Not SingleReader: that channel
    // cannot count its items.
    private readonly Channel<(long Seq, T Item)> _queue = Channel.CreateUnbounded<(long Seq, T Item)>();
    private readonly int _capacity;
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
    // Serialises adding: the bound, the journal (the queue's order is the journal's, so "done up to n" stays a prefix),
    // the stop and the refusal episode.
    private readonly Lock _addLock = new();
    private OutboxJournal<T>? _journal;
    private bool _closed;
    private AlertQueueRefusal? _refusing;
    private long _refusedInEpisode;
    private bool _markFailing;
    private long _refused;
    private long _processed;
    private long _failed;
    private int _disposed;

    /// <param name="capacity">Items queued (besides the one in delivery) before new ones are refused.</param>
    /// <param name="drainTimeout">How long a stop lets the worker deliver what is queued before it cancels.</param>
    /// <param name="spillFile">The journal: where every item is kept until delivered, and read back from by a new outbox; null: none.</param>
    public AlertOutbox(string name, int capacity, Func<T, CancellationToken, Task> handle, ILogger logger, TimeSpan drainTimeout = default,
        string? spillFile = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _name = name;
        _capacity = capacity;
        _handle = handle;
        _logger = logger;
        _drainTimeout = drainTimeout;
        _spillFile = spillFile;
        lock (_addLock)
        {
            if (OpenJournal() is { } error) JournalUnwritable(error);
        }
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The spill file name of a queue: its name made file-safe (a webhook's name holds its URL).</summary>
    public static string SpillFileName(string queueName) =>
        "outbox-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(queueName)))[..16] + ".jsonl";

    /// <summary>
    /// Under <see cref="_addLock"/>, when there is a spill file and no open journal: queues what the last run left
    /// undelivered (before anything new) and opens the journal. Tried at the start and, while it fails, again at every
    /// add, so a journal that works again (space freed, permissions fixed) is used from then on. Returns the failure.
    /// </summary>
    private Exception? OpenJournal()
    {
        if (_spillFile is null || _journal is not null) return null;
        var journal = new OutboxJournal<T>(_spillFile, SpillJson);
        try
        {
            (List<(long Seq, T Item)> pending, int unreadable) = journal.Open();
            if (unreadable > 0) Log.OutboxJournalUnreadable(_logger, _name, unreadable, _spillFile);
            foreach ((long Seq, T Item) entry in pending) _queue.Writer.TryWrite(entry);
            if (pending.Count > 0) Log.OutboxRestored(_logger, _name, pending.Count, _spillFile);
            _journal = journal;
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // The file is left as it was, for a later try (or start).
            journal.Dispose();
            return ex;
        }
    }

    /// <summary>Items refused: the queue was full, the journal could not take them, or the queue was stopping.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Items the handler finished, successfully or not.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Items whose handler threw (logged, not retried here: a handler that must retry does so itself).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public int Count => _queue.Reader.Count;

    /// <summary>
    /// Queues the item, on disk first when the outbox has a journal, or throws <see cref="AlertQueueRefusedException"/>
    /// (the queue is full, the journal cannot be written, the queue is stopping) with nothing queued. Never waits for delivery.
    /// </summary>
    public void Enqueue(T item)
    {
        if (!TryEnqueue(item, out AlertQueueRefusedException? refusal)) throw refusal;
    }

    /// <summary>As <see cref="Enqueue"/>, with the refusal returned instead of thrown.</summary>
    public bool TryEnqueue(T item, [NotNullWhen(false)] out AlertQueueRefusedException? refusal)
    {
        refusal = Add(item, mustJournal: true);
        return refusal is null;
    }

    /// <summary>
    /// For what nobody hands over again: queued unless the queue is full or stopping (then refused: counted and logged,
    /// returns false); journaled when the journal can be written, else kept in memory only.
    /// </summary>
    public bool Offer(T item) => Add(item, mustJournal: false) is null;

    private AlertQueueRefusedException? Add(T item, bool mustJournal)
    {
        lock (_addLock)
        {
            if (_closed) return Refuse(AlertQueueRefusal.Stopping, null, $"Alert queue {_name} is stopping: it did not take the notification");
            // Only adds (under this lock) make the queue longer, so it still has room at the write below.
            if (_queue.Reader.Count >= _capacity)
            {
                return Refuse(AlertQueueRefusal.Full, null,
                    $"Alert queue {_name} is full ({_capacity} waiting for delivery): it did not take the notification");
            }
            long seq = 0;
            Exception? journalError = OpenJournal();
            if (journalError is null && _journal is not null)
            {
                try
                {
                    seq = _journal.Append(item);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
                {
                    journalError = ex;
                }
            }
            if (journalError is not null && mustJournal)
            {
                return Refuse(AlertQueueRefusal.JournalUnwritable, journalError,
                    $"Alert queue {_name}: its journal {_spillFile} cannot be written ({journalError.Message}): it did not take the notification");
            }
            // Unbounded and not completed (_closed is set under this lock): the write succeeds.
            _queue.Writer.TryWrite((seq, item));
            if (journalError is not null) JournalUnwritable(journalError);
            else if (_refusing is not null) EndRefusing();
            return null;
        }
    }

    /// <summary>Under <see cref="_addLock"/>: counts the refusal and logs it when an episode starts (or changes its reason).</summary>
    private AlertQueueRefusedException Refuse(AlertQueueRefusal reason, Exception? error, string message)
    {
        Interlocked.Increment(ref _refused);
        _refusedInEpisode++;
        if (_refusing != reason)
        {
            _refusing = reason;
            switch (reason)
            {
                case AlertQueueRefusal.Full:
                    Log.OutboxFull(_logger, _name, _capacity);
                    break;
                case AlertQueueRefusal.JournalUnwritable:
                    Log.OutboxJournalUnwritable(_logger, error, _name, _spillFile ?? "");
                    break;
                default:
                    Log.OutboxClosed(_logger, _name);
                    break;
            }
        }
        return new AlertQueueRefusedException(_name, reason, message, error);
    }

    /// <summary>Under <see cref="_addLock"/>: the journal failed for an item queued all the same, or for none (at the start).</summary>
    private void JournalUnwritable(Exception error)
    {
        if (_refusing == AlertQueueRefusal.JournalUnwritable) return;
        _refusing = AlertQueueRefusal.JournalUnwritable;
        Log.OutboxJournalUnwritable(_logger, error, _name, _spillFile ?? "");
    }

    /// <summary>Under <see cref="_addLock"/>: an item was taken as it should be.</summary>
    private void EndRefusing()
    {
        Log.OutboxTakingAgain(_logger, _name, _refusedInEpisode);
        _refusing = null;
        _refusedInEpisode = 0;
    }

    private void MarkDone(long seq)
    {
        if (seq == 0) return;
        lock (_addLock)
        {
            if (_journal is null) return;
            try
            {
                _journal.Done(seq);
                _markFailing = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                // Only costs a second delivery after a restart. Logged once until a mark succeeds again.
                if (!_markFailing) Log.OutboxMarkFailed(_logger, ex, _name, _journal.Path);
                _markFailing = true;
            }
        }
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
        lock (_addLock)
        {
            _closed = true;
            _queue.Writer.TryComplete();
        }
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
        lock (_addLock)
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
