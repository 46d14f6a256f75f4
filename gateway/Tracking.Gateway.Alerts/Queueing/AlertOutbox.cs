using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// A bounded queue with one worker: the engine calls sinks one at a time, so a sink must hand the notification over and
/// return instead of waiting for a broker, InfluxDB or a webhook. When the queue is full the oldest item is dropped
/// (counted and logged): the newest state of an alert matters more than an old transition nobody could deliver.
/// A stop first lets the worker drain the queue for up to the drain timeout, then cancels; with a spill file, what is
/// still undelivered (the queue and a cancelled delivery in progress) is written there as JSON lines and queued again,
/// first, by the next outbox of that file (the next start): nothing acknowledged to the engine is lost on a graceful
/// stop, at the price of a possible second delivery of the item that was in progress (receivers dedupe by id).
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
    private static readonly JsonSerializerOptions SpillJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly TimeSpan _drainTimeout;
    private readonly string? _spillFile;
    private readonly object _currentLock = new();
    private T? _current;
    private bool _hasCurrent;
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
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => OnDropped());
        Restore();
        _worker = Task.Run(RunAsync);
    }

    /// <summary>The spill file name of a queue: its name made file-safe (a webhook's name holds its URL).</summary>
    public static string SpillFileName(string queueName) =>
        "outbox-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(queueName)))[..16] + ".jsonl";

    /// <summary>Queues what the last stop spilled, before anything new, and removes the file.</summary>
    private void Restore()
    {
        if (_spillFile is null || !File.Exists(_spillFile)) return;
        int restored = 0;
        try
        {
            foreach (string line in File.ReadLines(_spillFile))
            {
                if (line.Length == 0) continue;
                try
                {
                    if (JsonSerializer.Deserialize<T>(line, SpillJson) is { } item && _queue.Writer.TryWrite(item)) restored++;
                }
                catch (JsonException ex)
                {
                    Log.OutboxSpillUnreadable(_logger, ex, _name, _spillFile);
                }
            }
            File.Delete(_spillFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in place: the items read are queued, the next stop appends to the file, a later start tries again.
            Log.OutboxSpillFailed(_logger, ex, _name, restored, _spillFile);
        }
        Log.OutboxRestored(_logger, _name, restored, _spillFile);
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
                lock (_currentLock) (_current, _hasCurrent) = (item, true);
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
                lock (_currentLock) (_current, _hasCurrent) = (default, false);
                Interlocked.Increment(ref _processed);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: the dispose spills what is still queued (when it has a spill file).
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
        List<T> left = [];
        lock (_currentLock)
        {
            if (_hasCurrent) left.Add(_current!);
        }
        while (_queue.Reader.TryRead(out T? item)) left.Add(item);
        if (left.Count > 0) Spill(left);
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

    private void Spill(List<T> left)
    {
        if (_spillFile is null)
        {
            Log.OutboxLost(_logger, _name, left.Count);
            return;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_spillFile))!);
            // Appended: a file a failed restore left behind keeps its items too. Flushed to disk before the stop goes on.
            using (var file = new FileStream(_spillFile, FileMode.Append, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            using (var text = new StreamWriter(file))
            {
                foreach (T item in left) text.WriteLine(JsonSerializer.Serialize(item, SpillJson));
            }
            Log.OutboxSpilled(_logger, _name, left.Count, _spillFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Log.OutboxSpillFailed(_logger, ex, _name, left.Count, _spillFile);
        }
    }
}
