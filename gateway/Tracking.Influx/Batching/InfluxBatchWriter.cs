using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Batching;

/// <summary>
/// Collects single lines into batches and writes them with an <see cref="InfluxWriter"/>, one batch at a time
/// and in order: a batch is sent when it reaches <see cref="InfluxBatchOptions.MaxBatchLines"/> or
/// <see cref="InfluxBatchOptions.FlushInterval"/> after its first line. At most
/// <see cref="InfluxBatchOptions.MaxPendingLines"/> lines are pending; beyond that <see cref="AddAsync"/> waits.
/// Every batch's <see cref="WriteResult"/> goes to the tickets of its lines and to the optional batch callback,
/// so the caller acknowledges its source records only once they are written or dead-lettered.
/// </summary>
public sealed partial class InfluxBatchWriter : IAsyncDisposable
{
    private const int MaxPooledBuffers = 4;

    private readonly InfluxWriter _writer;
    private readonly InfluxBatchOptions _options;
    private readonly Func<WriteResult, CancellationToken, ValueTask>? _onBatchWritten;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _wakeUp = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _lock = new();
    private readonly Queue<Batch> _sealed = new();
    private readonly Stack<LineProtocolBuffer> _freeBuffers = new();
    private readonly Task _loop;
    private Batch? _current;
    private Batch? _lastSealed;
    private bool _closed;

    /// <param name="onBatchWritten">Called with each batch's result, in order, before the batch's tickets complete
    /// (e.g. to acknowledge a spool). An exception from it is logged; the tickets still get the result.</param>
    public InfluxBatchWriter(
        InfluxWriter writer,
        InfluxBatchOptions? options = null,
        Func<WriteResult, CancellationToken, ValueTask>? onBatchWritten = null,
        ILogger<InfluxBatchWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _options = options ?? new InfluxBatchOptions();
        _options.Validate();
        _writer = writer;
        _onBatchWritten = onBatchWritten;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _slots = new SemaphoreSlim(_options.MaxPendingLines, _options.MaxPendingLines);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Lines added and not yet settled.</summary>
    public int PendingLines => _options.MaxPendingLines - _slots.CurrentCount;

    /// <summary>
    /// Encodes one line for <paramref name="itemId"/> into the current batch, waiting first while
    /// <see cref="InfluxBatchOptions.MaxPendingLines"/> lines are pending. Throws what the encoder throws (e.g.
    /// <see cref="LineProtocolException"/> for unrepresentable input) with nothing added.
    /// </summary>
    public ValueTask<BatchTicket> AddAsync<TState>(long itemId, TState state, LineEncoder<TState> encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_slots.Wait(0, CancellationToken.None))
        {
            return new ValueTask<BatchTicket>(AddWithSlot(itemId, state, encoder));
        }

        return WaitAndAddAsync(itemId, state, encoder, cancellationToken);
    }

    /// <summary>Sends the current batch now and waits until every line added before this call is settled
    /// (outcomes, including failures, are reported through the tickets, not thrown here).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Task? last;
        lock (_lock)
        {
            SealCurrent();
            last = _lastSealed?.Completion.Task;
        }

        _wakeUp.Release();
        if (last is not null)
        {
            try
            {
                await last.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The batch's own failure belongs to its tickets.
            }
        }
    }

    /// <summary>Writes what is queued (up to <see cref="InfluxBatchOptions.ShutdownTimeout"/>), then cancels the
    /// rest: their tickets end cancelled and the caller must not acknowledge those lines.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            SealCurrent();
        }

        _wakeUp.Release();
        try
        {
            await _loop.WaitAsync(_options.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogShutdownCancelled(PendingLines);
            await _shutdown.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
        }

        lock (_lock)
        {
            while (_freeBuffers.TryPop(out LineProtocolBuffer? buffer))
            {
                buffer.Dispose();
            }
        }

        _shutdown.Dispose();
    }

    private async ValueTask<BatchTicket> WaitAndAddAsync<TState>(long itemId, TState state, LineEncoder<TState> encoder, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return AddWithSlot(itemId, state, encoder);
    }

    private BatchTicket AddWithSlot<TState>(long itemId, TState state, LineEncoder<TState> encoder)
    {
        bool wake = false;
        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                Batch batch = _current ??= NewBatch();
                LineProtocolBuffer buffer = batch.Buffer;
                int index = buffer.LineCount;
                try
                {
                    encoder(buffer, state);
                }
                catch
                {
                    buffer.TruncateLines(index);
                    throw;
                }

                if (buffer.LineCount != index + 1)
                {
                    int added = buffer.LineCount - index;
                    buffer.TruncateLines(index);
                    throw new InvalidOperationException($"A line encoder must write exactly one complete line; it wrote {added}.");
                }

                buffer.SetItemId(index, itemId);
                if (index == 0)
                {
                    batch.StartedAt = Stopwatch.GetTimestamp();
                    wake = true;
                }

                if (buffer.LineCount >= _options.MaxBatchLines)
                {
                    SealCurrent();
                    wake = true;
                }

                return new BatchTicket(batch.Completion.Task, index, itemId);
            }
        }
        catch
        {
            _slots.Release();
            throw;
        }
        finally
        {
            if (wake)
            {
                _wakeUp.Release();
            }
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            Batch? next;
            TimeSpan wait = Timeout.InfiniteTimeSpan;
            lock (_lock)
            {
                if (_current is { } current && _sealed.Count == 0)
                {
                    TimeSpan age = Stopwatch.GetElapsedTime(current.StartedAt);
                    if (age >= _options.FlushInterval)
                    {
                        SealCurrent();
                    }
                    else
                    {
                        wait = _options.FlushInterval - age;
                    }
                }

                if (!_sealed.TryDequeue(out next) && _closed)
                {
                    return;
                }
            }

            if (next is null)
            {
                await _wakeUp.WaitAsync(wait).ConfigureAwait(false);
                continue;
            }

            await WriteBatchAsync(next).ConfigureAwait(false);
        }
    }

    private async Task WriteBatchAsync(Batch batch)
    {
        int lineCount = batch.Buffer.LineCount;
        try
        {
            WriteResult result = await _writer.WriteAsync(batch.Buffer, _shutdown.Token).ConfigureAwait(false);
            if (_onBatchWritten is not null)
            {
                try
                {
                    await _onBatchWritten(result, _shutdown.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LogCallbackFailed(ex, lineCount);
                }
            }

            batch.Completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            batch.Completion.TrySetCanceled(_shutdown.Token);
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, lineCount);
            batch.Completion.TrySetException(ex);
        }
        finally
        {
            lock (_lock)
            {
                batch.Buffer.Clear();
                if (_freeBuffers.Count < MaxPooledBuffers && !_closed)
                {
                    _freeBuffers.Push(batch.Buffer);
                }
                else
                {
                    batch.Buffer.Dispose();
                }
            }

            _slots.Release(lineCount);
        }
    }

    /// <summary>Moves a non-empty current batch to the send queue. Caller holds the lock.</summary>
    private void SealCurrent()
    {
        if (_current is { Buffer.LineCount: > 0 } current)
        {
            _sealed.Enqueue(current);
            _lastSealed = current;
            _current = null;
        }
    }

    private Batch NewBatch() => new(_freeBuffers.TryPop(out LineProtocolBuffer? buffer) ? buffer : _writer.CreateBuffer());

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Writing a batch of {Count} lines to InfluxDB failed; its items stay unacknowledged")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "The batch-written callback failed for a batch of {Count} lines")]
    private partial void LogCallbackFailed(Exception exception, int count);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Shutdown timeout reached with {Count} lines not yet written to InfluxDB; cancelling them (they stay unacknowledged)")]
    private partial void LogShutdownCancelled(int count);

    private sealed class Batch(LineProtocolBuffer buffer)
    {
        public LineProtocolBuffer Buffer { get; } = buffer;

        public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long StartedAt { get; set; }
    }
}
