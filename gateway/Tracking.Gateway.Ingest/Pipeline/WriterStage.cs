using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Schema;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;
using Tracking.Retry;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>
/// Stage 2: spool -> line protocol -> InfluxDB -> confirmation. Reads committed records as they arrive and turns each
/// into its points (from the decoded fields the record holds, with the stored arrival time, so the points are the same on
/// every replay). Batching depends on the load, the rate of lines over the last batches:
/// <list type="bullet">
/// <item>Light (below <c>loadLinesPerSecond</c>): a batch goes out as soon as no write is in flight; while one is, it
/// collects what is committed until that write returns. An idle gateway adds no wait to a reading's latency.</item>
/// <item>Under load: a batch waits for more commits while they keep coming, up to <c>batchLines</c> lines or
/// <c>maxDelay</c>. influxd's cost is mostly per request (a WAL fsync each), so large batches are what keeps its CPU,
/// and the gateway's, per reading low when it matters.</item>
/// </list>
/// Up to <c>concurrency</c> batches are written at once (points are idempotent, so their order in InfluxDB does not
/// matter); the spool position is confirmed in order, up to the oldest batch not yet settled (every line written or
/// dead-lettered). Unconfirmed records are read again after a restart. A confirmation writes and fsyncs the writer's
/// checkpoint, so the settled batches are confirmed together at most every <see cref="DefaultConfirmInterval"/> (an idle writer
/// confirms what settled once the interval is over, without waiting for more records; a stopping one at once).
/// </summary>
public sealed partial class WriterStage(
    DiskSpool spool,
    ILineSink sink,
    DeadLetterFile deadLetters,
    GatewayMetrics metrics,
    int batchLines,
    TimeSpan maxDelay,
    int concurrency,
    bool strictContainerIds,
    ILogger logger,
    TimeProvider? time = null,
    double loadLinesPerSecond = WriterOptions.DefaultLoadLinesPerSecond,
    TimeSpan? quietGap = null,
    TimeSpan? confirmInterval = null)
{
    /// <summary>
    /// Under load, no commit for this long means the burst is over: the batch goes without waiting longer. Under load the
    /// ingest stage commits every few ms (its group commit waits at most 5 ms by default, plus the fsync).
    /// </summary>
    private readonly TimeSpan _quietGap = quietGap ?? TimeSpan.FromMilliseconds(15);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SpoolRecordDecoder _decoder = new(strictContainerIds);
    private readonly SpoolRecordHandler<WriterStage> _onRecord = static (record, _, self) => self.Encode(record);
    private readonly Queue<Batch> _inflight = new();
    private readonly Stack<LineProtocolBuffer> _free = new();
    private readonly Stack<BatchTimes> _freeTimes = new();
    private LineProtocolBuffer? _buffer;
    private BatchTimes? _times;
    // Lines per second, measured over windows of at least LoadWindow: a rate taken per batch (lines over the time since the
    // previous batch) read two small batches sent 1 ms apart at 1,000 msg/s as 5,000 lines/s and switched to batching
    // for up to MaxDelay, which was most of the p99 latency (bench ingest's stage timings).
    private double _linesPerSecond;
    private long _lastBatch;
    private long _windowStart = Stopwatch.GetTimestamp();
    private long _windowLines;
    private long _records;
    // Arrival time (Unix ms) of the batch's oldest record, for the stage timings.
    private long _oldestArrivalMs = long.MaxValue;
    // Writes started and not settled, and since when none has settled while some were in flight (TimeProvider timestamp).
    private int _writing;
    private long _stalledSince;
    // Settled (written or dead-lettered) but not yet confirmed to the spool, and when the last confirmation was (Stopwatch).
    private SpoolPosition _settledEnd;
    private long _settledRecords;
    private long _lastConfirm;

    /// <summary>
    /// Settled batches are confirmed to the spool at most this often: each confirmation writes and fsyncs the checkpoint
    /// file, and one per write batch (every few ms under load) was about 1.5 % of the gateway's CPU in bench ingest (perf:
    /// <c>DiskSpool.WriteCheckpoint</c>). A crash replays at most this much more, which the idempotent points allow.
    /// Measured on the real clock like the load, not on the stage's <see cref="TimeProvider"/>.
    /// </summary>
    public static readonly TimeSpan DefaultConfirmInterval = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _confirmInterval = confirmInterval ?? DefaultConfirmInterval;

    /// <summary>
    /// How long InfluxDB has taken none of the writes waiting for it (zero when none waits). InfluxWriter retries
    /// failed requests itself, so an unreachable server shows as a write that does not settle rather than as failures.
    /// </summary>
    public TimeSpan UnreachableFor
    {
        get
        {
            long since = Interlocked.Read(ref _stalledSince);
            return Volatile.Read(ref _writing) > 0 && since != 0 ? _time.GetElapsedTime(since) : TimeSpan.Zero;
        }
    }

    // StalledFor's observation: the writer's checkpoint when records were last seen waiting, and since when (TimeProvider).
    private readonly Lock _stallSync = new();
    private bool _stallWaiting;
    private SpoolPosition _stallConfirmed;
    private long _stallSince;

    /// <summary>
    /// How long the writer has had committed records waiting (read or not) while no write was in flight and its checkpoint
    /// did not move; zero otherwise. A working writer confirms within <see cref="DefaultConfirmInterval"/> of a write, and a
    /// write in flight is <see cref="UnreachableFor"/>'s, so this grows only when the writer is stuck (a lost wake-up, a
    /// write that ended without settling, a dead loop): what /healthz must not call "ok". Measured between calls (the
    /// health sampler calls it regularly), so records committed after an idle spell count from the first call that sees them.
    /// </summary>
    public TimeSpan StalledFor()
    {
        // Read before the spool: a write that starts in between then counts as in flight rather than as a stall.
        bool writing = Volatile.Read(ref _writing) > 0;
        bool waiting = !writing && spool.PendingRecordsOf(DiskSpool.WriterReader) > 0;
        SpoolPosition confirmed = spool.ConfirmedPositionOf(DiskSpool.WriterReader);
        long now = _time.GetTimestamp();
        lock (_stallSync)
        {
            if (!waiting || !_stallWaiting || confirmed != _stallConfirmed)
            {
                _stallWaiting = waiting;
                _stallConfirmed = confirmed;
                _stallSince = now;
                return TimeSpan.Zero;
            }

            return _time.GetElapsedTime(_stallSince, now);
        }
    }

    private sealed record Batch(Task Write, LineProtocolBuffer Lines, BatchTimes Times, SpoolPosition End, long Records);

    /// <summary>Per message of a batch with lines: its arrival and its newest point's time (Unix ms), for <see cref="MessageTimings"/>.</summary>
    private sealed class BatchTimes
    {
        private long[] _arrival = new long[64];
        private long[] _newest = new long[64];

        public int Count { get; private set; }

        public void Clear() => Count = 0;

        public void Add(long arrivalMs, long newestMs)
        {
            if (Count == _arrival.Length)
            {
                Array.Resize(ref _arrival, Count * 2);
                Array.Resize(ref _newest, Count * 2);
            }

            _arrival[Count] = arrivalMs;
            _newest[Count] = newestMs;
            Count++;
        }

        /// <summary>Counts every message into <paramref name="timings"/> as written at <paramref name="writtenMs"/>.</summary>
        public void Record(MessageTimings timings, long writtenMs)
        {
            if (Count == 0) return;
            Span<long> arrival = stackalloc long[MessageTimings.BucketCount];
            Span<long> newest = stackalloc long[MessageTimings.BucketCount];
            arrival.Clear();
            newest.Clear();
            long arrivalSum = 0, newestSum = 0;
            for (int i = 0; i < Count; i++)
            {
                // A clock step, or a tag's clock ahead of ours, counts as zero rather than as a negative time.
                long a = Math.Max(0, writtenMs - _arrival[i]), n = Math.Max(0, writtenMs - _newest[i]);
                arrival[MessageTimings.BucketOf(a)]++;
                newest[MessageTimings.BucketOf(n)]++;
                arrivalSum += a;
                newestSum += n;
            }

            timings.Add(MessageSpan.ArrivalToWritten, arrival, arrivalSum);
            timings.Add(MessageSpan.ReadingToWritten, newest, newestSum);
        }
    }

    /// <summary>Writes until cancelled. On cancellation the batches in flight are abandoned (they stay in the spool).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using SpoolReader reader = spool.CreateReader();
        try
        {
            while (true)
            {
                Task data = reader.WaitAsync(ct);
                while (!data.IsCompleted && _inflight.TryPeek(out Batch? oldest))
                {
                    // Idle: confirm each write as it finishes instead of with the next batch.
                    await Task.WhenAny(data, oldest.Write).ConfigureAwait(false);
                    await ConfirmSettledAsync(ct).ConfigureAwait(false);
                }

                if (!data.IsCompleted && _settledRecords > 0)
                {
                    // Idle with settled batches not yet confirmed: confirm them once the interval is over, unless data comes first.
                    TimeSpan left = _confirmInterval - Stopwatch.GetElapsedTime(_lastConfirm);
                    if (left > TimeSpan.Zero) await Task.WhenAny(data, Task.Delay(left, ct)).ConfigureAwait(false);
                    if (!data.IsCompleted) ConfirmNow();
                }

                await data.ConfigureAwait(false);
                await WriteNextBatchAsync(reader, linger: true, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await SettleAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes every committed record, then returns (graceful shutdown); cancelling leaves the rest spooled.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        using SpoolReader reader = spool.CreateReader();
        try
        {
            while (await WriteNextBatchAsync(reader, linger: false, ct).ConfigureAwait(false))
            {
            }
        }
        finally
        {
            await SettleAsync().ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested(); // the deadline passed while the last writes were in flight
    }

    /// <summary>Encodes the next batch and starts writing it; false when there was nothing to read.</summary>
    private async Task<bool> WriteNextBatchAsync(SpoolReader reader, bool linger, CancellationToken ct)
    {
        LineProtocolBuffer buffer = _free.TryPop(out LineProtocolBuffer? reused) ? reused : sink.CreateBuffer();
        buffer.Clear();
        _buffer = buffer;
        BatchTimes times = _freeTimes.TryPop(out BatchTimes? reusedTimes) ? reusedTimes : new BatchTimes();
        times.Clear();
        _times = times;
        _records = 0;
        _oldestArrivalMs = long.MaxValue;
        long first = Stopwatch.GetTimestamp();
        bool underLoad = LinesPerSecond() >= loadLinesPerSecond;
        while (FillBatch(reader, buffer) && linger)
        {
            TimeSpan remaining = maxDelay - Stopwatch.GetElapsedTime(first);
            if (remaining <= TimeSpan.Zero) break;
            if (underLoad)
            {
                // Commits keep coming: wait for more, unless they pause (the burst ended, waiting adds only latency).
                if (!await reader.WaitAsync(remaining < _quietGap ? remaining : _quietGap, ct).ConfigureAwait(false)) break;
                continue;
            }

            // Light load: go now if nothing is in flight; else collect commits until the write in flight returns, so a
            // slow InfluxDB gets fewer, larger writes while an idle one gets each record at once.
            ConfirmSettled();
            if (OldestUnsettledWrite() is not { } busy) break;
            Task<bool> data = reader.WaitAsync(remaining, ct);
            await Task.WhenAny(data, busy).ConfigureAwait(false);
            if (busy.IsCompleted)
            {
                FillBatch(reader, buffer);
                break;
            }

            if (!await data.ConfigureAwait(false)) break;
        }

        if (_records == 0)
        {
            _free.Push(buffer);
            _freeTimes.Push(times);
            return false;
        }

        UpdateLoad(buffer.LineCount);
        _lastBatch = Stopwatch.GetTimestamp();
        long oldest = _oldestArrivalMs;
        if (oldest != long.MaxValue) metrics.Stages.Record(IngestTiming.SpoolToWrite, TimeSpan.FromMilliseconds(NowMs() - oldest));
        _inflight.Enqueue(new Batch(WriteUntilSettledAsync(buffer, oldest, times, ct), buffer, times, reader.Position, _records));
        while (_inflight.Count >= concurrency)
        {
            // The next batch is encoded while at most concurrency - 1 writes are in flight.
            await _inflight.Peek().Write.ConfigureAwait(false);
            await ConfirmSettledAsync(ct).ConfigureAwait(false);
        }

        ConfirmSettled();
        return true;
    }

    /// <summary>How long a load measurement (lines per second, compared with <c>loadLinesPerSecond</c>) lasts at least.</summary>
    public static readonly TimeSpan LoadWindow = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The last load measurement, unless the writer has had nothing to write for a whole <see cref="LoadWindow"/> (under
    /// load commits come every few ms): then none. A burst's rate held on after it, and the first batch after an idle
    /// spell waited as under load for the commits to pause, up to <c>maxDelay</c>: the 200-300 ms tail of the first second
    /// of bench ingest's latency run, after its warm-up burst (the <c>spool_to_write</c> stage's max).
    /// </summary>
    private double LinesPerSecond() => Stopwatch.GetElapsedTime(_lastBatch) < LoadWindow ? _linesPerSecond : 0;

    private void UpdateLoad(int lines)
    {
        _windowLines += lines;
        double seconds = Stopwatch.GetElapsedTime(_windowStart).TotalSeconds;
        if (seconds < LoadWindow.TotalSeconds) return;
        _linesPerSecond = _windowLines / seconds;
        _windowLines = 0;
        _windowStart = Stopwatch.GetTimestamp();
    }

    /// <summary>The oldest write in flight that has not returned, or null.</summary>
    private Task? OldestUnsettledWrite()
    {
        foreach (Batch batch in _inflight)
        {
            if (!batch.Write.IsCompleted) return batch.Write;
        }

        return null;
    }

    /// <summary>Encodes committed records into <paramref name="buffer"/>; true when it could take more lines than are committed.</summary>
    private bool FillBatch(SpoolReader reader, LineProtocolBuffer buffer)
    {
        try
        {
            // Whole records only: stop once the batch has enough lines (a record holds at least one, at most 256).
            while (buffer.LineCount < batchLines)
            {
                if (reader.Read(Math.Min(64, batchLines - buffer.LineCount), this, _onRecord) == 0) return true;
            }
        }
        catch (InvalidDataException ex)
        {
            LogCorrupt(logger, ex.Message);
            reader.SkipSegment();
            return true;
        }

        return false;
    }

    /// <summary>
    /// Confirms the settled batches at the head of the queue, oldest first. False when the dead-letter file could not be
    /// written (full disk): nothing is confirmed then, the batches wait for the next call.
    /// </summary>
    private bool ConfirmSettled(bool now = false)
    {
        while (_inflight.TryPeek(out Batch? oldest) && oldest.Write.IsCompletedSuccessfully)
        {
            // The dead letters of these lines (and of records that could not be encoded) are on disk before the
            // records leave the spool.
            if (!deadLetters.Flush())
            {
                // What settled before has its dead letters on disk already.
                if (now) ConfirmNow();
                return false;
            }

            _inflight.Dequeue();
            _settledEnd = oldest.End;
            _settledRecords += oldest.Records;
            _free.Push(oldest.Lines);
            _freeTimes.Push(oldest.Times);
        }

        if (now || Stopwatch.GetElapsedTime(_lastConfirm) >= _confirmInterval) ConfirmNow();
        return true;
    }

    /// <summary>Confirms every settled batch to the spool (one checkpoint for all).</summary>
    private void ConfirmNow()
    {
        if (_settledRecords == 0) return;
        spool.Confirm(_settledEnd, _settledRecords);
        _settledRecords = 0;
        _lastConfirm = Stopwatch.GetTimestamp();
    }

    /// <summary><see cref="ConfirmSettled"/>, waiting a little after a dead-letter failure so the caller's loop does not spin.</summary>
    private async Task ConfirmSettledAsync(CancellationToken ct)
    {
        if (ConfirmSettled()) return;
        LogDeadLettersBlocked(logger, deadLetters.Error);
        await Task.Delay(IngestStage.MaxRetryDelay / 5, _time, ct).ConfigureAwait(false);
    }

    /// <summary>Waits for the writes in flight, confirms the settled prefix, releases the buffers.</summary>
    private async Task SettleAsync()
    {
        foreach (Batch batch in _inflight)
        {
            try
            {
                await batch.Write.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        ConfirmSettled(now: true); // stops at the first abandoned batch: it and everything after stay in the spool
        foreach (Batch batch in _inflight) batch.Lines.Dispose();
        _inflight.Clear();
        while (_free.TryPop(out LineProtocolBuffer? buffer)) buffer.Dispose();
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task WriteUntilSettledAsync(LineProtocolBuffer buffer, long oldestArrivalMs, BatchTimes times, CancellationToken ct)
    {
        if (buffer.LineCount == 0) return;
        if (Interlocked.Increment(ref _writing) == 1) Interlocked.Exchange(ref _stalledSince, _time.GetTimestamp());
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await WriteOnceAsync(buffer, ct).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && !(ex is OperationCanceledException && ct.IsCancellationRequested))
                {
                    // A write that faulted (anything InfluxWriter does not turn into a retry itself) must not end the
                    // batch's task: ConfirmSettled confirms only batches whose write completed successfully, so a faulted
                    // one held the spool position for good, without a log line or a write in flight, RunAsync's idle loop
                    // spun on its completed task, and the next batch at Concurrency ended the writer (the metrics of the
                    // proxy-influx stall fit this: 2 batches encoded, 1 written, no failure, none confirmed;
                    // docs/reliability.md). Points are idempotent, so the batch is written again; meanwhile it counts as
                    // in flight, so /healthz reports InfluxDB unreachable once that lasts.
                    TimeSpan delay = FaultRetryDelay(attempt);
                    LogWriteFault(logger, attempt, delay.TotalMilliseconds, ex);
                    metrics.OnWriteFailed();
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
            }

            long writtenMs = NowMs();
            if (oldestArrivalMs != long.MaxValue)
            {
                metrics.Stages.Record(IngestTiming.ArrivalToWritten, TimeSpan.FromMilliseconds(writtenMs - oldestArrivalMs));
            }

            times.Record(metrics.Messages, writtenMs);

            Interlocked.Exchange(ref _stalledSince, _time.GetTimestamp()); // progress: the others wait from now on
        }
        finally
        {
            Interlocked.Decrement(ref _writing);
        }
    }

    // The shared backoff's schedule (Tracking.Retry), not a second one: 100 ms doubling up to the ingest stage's limit.
    private static readonly Backoff FaultBackoff = new(TimeSpan.FromMilliseconds(100), IngestStage.MaxRetryDelay);

    /// <summary>
    /// Wait before writing a faulted batch again: the backoff's ceiling, without its jitter (one writer retries one batch
    /// at a time, so there is no lockstep to break, and a fixed wait is what the tests' clock can step to).
    /// </summary>
    internal static TimeSpan FaultRetryDelay(int attempt) => FaultBackoff.Ceiling(attempt);

    /// <summary>
    /// One write per batch: InfluxWriter is the one retry owner and, configured without Influx:Retry:MaxAttempts, returns
    /// only when every line is written or dead-lettered (or the stage stops).
    /// </summary>
    private async Task WriteOnceAsync(LineProtocolBuffer buffer, CancellationToken ct)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            WriteResult result = await sink.WriteAsync(buffer, ct).ConfigureAwait(false);
            if (!result.IsSettled) throw new InvalidOperationException($"InfluxDB write gave up ({result}): Influx:Retry:MaxAttempts must stay unset");
            TimeSpan took = Stopwatch.GetElapsedTime(started);
            metrics.OnWritten(result.WrittenCount, result.RejectedCount, took);
            metrics.Stages.Record(IngestTiming.InfluxWrite, took);
        }
        catch (IOException ex)
        {
            // The dead-letter file could not take the lines InfluxDB refused (full disk). Every line was written or refused,
            // and the refused ones wait in the file's queue: ConfirmSettled flushes it before confirming, so the batch is
            // confirmed once the disk takes them, without writing it to InfluxDB again.
            LogWriteError(logger, ex);
            metrics.OnWriteFailed();
        }
    }

    private void Encode(ReadOnlySpan<byte> record)
    {
        _records++;
        int linesBefore = _buffer!.LineCount;
        long arrivalMs = 0;
        string topicText = "";
        ReadOnlySpan<byte> payload = default;
        Rejection rejection;
        try
        {
            if (_decoder.TryDecode(record, out arrivalMs, out topicText, out TrackingTopic topic, out payload, out rejection))
            {
                if (arrivalMs < _oldestArrivalMs) _oldestArrivalMs = arrivalMs;
                DecodedMessage m = _decoder.Message;
                if (InfluxLines.Append(_buffer, topic, m, arrivalMs, _records) > 0) _times!.Add(arrivalMs, NewestPointMs(m, arrivalMs));
                return;
            }
        }
        catch (LineProtocolException ex)
        {
            rejection = new Rejection(RejectReason.OutOfRange, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug met on replay would otherwise stop the writer on this record at every start, and nothing behind it
            // would ever reach InfluxDB: dead-letter the record and go on, as the ingest stage does.
            LogEncodeFault(logger, ex);
            rejection = new Rejection(RejectReason.StageFault, $"{ex.GetType().Name}: {ex.Message}");
        }

        // Whole records or nothing: a record that failed half-way leaves no lines behind.
        _buffer.TruncateLines(linesBefore);

        if (topicText.Length == 0)
        {
            deadLetters.Add("", record, "bad_spool_record", rejection.Detail);
            return;
        }

        // Accepted when spooled but not now (e.g. a configuration change since): keep it rather than drop it silently.
        deadLetters.Add(topicText, payload, rejection.Reason.Label(), "on replay: " + rejection.Detail);
    }

    /// <summary>The timestamp of the newest point <see cref="InfluxLines.Append"/> writes for <paramref name="m"/>.</summary>
    private static long NewestPointMs(DecodedMessage m, long arrivalMs) => m.Kind switch
    {
        // Offsets increase (the decoder checks), so the last reading is the newest.
        MessageKind.Telemetry => m.ReadingCount == 0 ? m.TimeMs : m.TimeMs + m.Readings[^1].OffsetMs,
        MessageKind.Event => m.TimeMs,
        _ => arrivalMs,
    };

    [LoggerMessage(EventId = 304, Level = LogLevel.Error, Message = "Encoding a spooled record failed; dead-lettered as stage_fault")]
    private static partial void LogEncodeFault(ILogger logger, Exception ex);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Spool damaged, skipping the rest of the segment: {Message}")]
    private static partial void LogCorrupt(ILogger logger, string message);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Dead-letter file cannot be written ({Error}); confirmations wait for it")]
    private static partial void LogDeadLettersBlocked(ILogger logger, string? error);

    [LoggerMessage(EventId = 306, Level = LogLevel.Error, Message = "InfluxDB write of a batch faulted (attempt {Attempt}); writing it again in {DelayMs:0} ms")]
    private static partial void LogWriteFault(ILogger logger, int attempt, double delayMs, Exception ex);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "Lines InfluxDB refused are not yet in the dead-letter file; the batch is confirmed once they are")]
    private static partial void LogWriteError(ILogger logger, Exception ex);
}
