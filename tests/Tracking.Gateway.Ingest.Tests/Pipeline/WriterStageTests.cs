using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The writer stage against a sink whose writes the test completes: concurrent writes, confirmation of the spool in
/// order only, batching by size and by a pause in the commits, and what a stop leaves for the drain.
/// </summary>
public sealed class WriterStageTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "writer-" + Guid.NewGuid().ToString("N"));
    private readonly DiskSpool _spool;
    private readonly DeadLetterFile _deadLetters;

    public WriterStageTests()
    {
        _spool = DiskSpool.Open(new SpoolOptions { Directory = _dir });
        _deadLetters = new DeadLetterFile(_dir);
    }

    public void Dispose()
    {
        _deadLetters.Dispose();
        _spool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Spools <paramref name="count"/> single-reading telemetry messages of one tag (seq from <paramref name="firstSeq"/>).</summary>
    private void Spool(int count, int firstSeq = 0)
    {
        const string topic = "tracking/v1/fleet/CSQU3054383/tag-1/telemetry";
        var record = new byte[1024];
        for (int seq = firstSeq; seq < firstSeq + count; seq++)
        {
            byte[] payload = Encoding.UTF8.GetBytes(
                $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000L + seq * 1000L},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1]]}}");
            int length = SpooledMessage.Write(record, 1_732_700_000_000, topic, payload);
            Assert.True(_spool.TryAppend(record.AsSpan(0, length)));
        }

        _spool.Commit();
    }

    private WriterStage Stage(HeldSink sink, int batchLines, TimeSpan maxDelay, int concurrency, TimeSpan? quietGap = null) =>
        new(_spool, sink, _deadLetters, new GatewayMetrics(), batchLines, maxDelay, concurrency, strictContainerIds: true,
            NullLogger.Instance, quietGap);

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var end = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > end) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task The_spool_is_confirmed_in_order_when_a_later_write_finishes_first()
    {
        var sink = new HeldSink();
        Spool(6);
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 3, TimeSpan.Zero, concurrency: 2).RunAsync(stop.Token);

        await Eventually(() => sink.Calls.Count == 2, "both batches are in flight");
        Assert.Equal([3, 3], sink.Calls.Select(c => c.Lines.Length));
        Assert.Contains("seq=0i", sink.Calls[0].Lines[0]);
        Assert.Contains("seq=3i", sink.Calls[1].Lines[0]);

        sink.Calls[1].Complete(); // the second batch is written first
        await Task.Delay(100);
        Assert.Equal(6, _spool.PendingRecords); // nothing confirmed past the unsettled first batch

        sink.Calls[0].Complete();
        await Eventually(() => _spool.PendingRecords == 0, "both batches are confirmed");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task No_more_writes_than_the_concurrency_are_in_flight()
    {
        var sink = new HeldSink();
        Spool(10);
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 2, TimeSpan.Zero, concurrency: 2).RunAsync(stop.Token);

        await Eventually(() => sink.Calls.Count == 2, "two writes are in flight");
        await Task.Delay(100);
        Assert.Equal(2, sink.Calls.Count); // the third batch waits for a free slot

        for (int done = 0; done < 5; done++)
        {
            int expected = Math.Min(5, done + 3);
            sink.Calls[done].Complete();
            await Eventually(() => sink.Calls.Count == expected, $"write {expected} starts");
        }

        await Eventually(() => _spool.PendingRecords == 0, "all five batches are confirmed");
        Assert.Equal(2, sink.MaxInFlight);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task A_short_batch_goes_out_when_the_commits_pause_not_after_the_whole_delay()
    {
        var sink = new HeldSink { CompleteAtOnce = true };
        Spool(1);
        using var stop = new CancellationTokenSource();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Task running = Stage(sink, batchLines: 5000, TimeSpan.FromSeconds(30), concurrency: 2).RunAsync(stop.Token);

        await Eventually(() => _spool.PendingRecords == 0, "the single record is written and confirmed");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
        Assert.Single(sink.Calls);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task A_short_batch_waits_for_later_commits_and_goes_out_when_full()
    {
        var sink = new HeldSink { CompleteAtOnce = true };
        using var stop = new CancellationTokenSource();
        // Neither the delay nor a pause ends the wait here: only a full batch does.
        Task running = Stage(sink, batchLines: 4, TimeSpan.FromSeconds(30), concurrency: 2, quietGap: TimeSpan.FromSeconds(30))
            .RunAsync(stop.Token);

        Spool(1);
        await Task.Delay(100);
        Spool(2, firstSeq: 1);
        await Task.Delay(100);
        Assert.Empty(sink.Calls);
        Spool(3, firstSeq: 3); // the batch takes one of these and is full

        await Eventually(() => sink.Calls.Count == 1, "the full batch is written");
        Assert.Equal(4, sink.Calls[0].Lines.Length);
        Assert.Contains("seq=0i", sink.Calls[0].Lines[0]);
        Assert.Contains("seq=3i", sink.Calls[0].Lines[3]);
        await Task.Delay(100);
        Assert.Single(sink.Calls); // the other two wait for more

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(2, _spool.PendingRecords);
    }

    [Fact]
    public async Task A_stop_keeps_unsettled_batches_spooled_and_the_drain_writes_them()
    {
        var sink = new HeldSink();
        Spool(6);
        var stage = Stage(sink, batchLines: 3, TimeSpan.Zero, concurrency: 2);
        using var stop = new CancellationTokenSource();
        Task running = stage.RunAsync(stop.Token);
        await Eventually(() => sink.Calls.Count == 2, "both batches are in flight");
        sink.Calls[0].Complete();
        await Eventually(() => _spool.PendingRecords == 3, "the first batch is confirmed");

        await stop.CancelAsync(); // the second write is abandoned
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(3, _spool.PendingRecords);

        sink.CompleteAtOnce = true;
        await stage.DrainAsync(CancellationToken.None);
        Assert.Equal(0, _spool.PendingRecords);
        Assert.Contains("seq=3i", sink.Calls[^1].Lines[0]); // the abandoned batch, written again
    }

    [Fact]
    public async Task A_dead_letter_failure_is_not_written_again_and_the_batch_is_confirmed_once_the_letters_are_durable()
    {
        // InfluxWriter owns retries; what reaches the stage is the dead-letter file's IOException after InfluxDB answered.
        var sink = new HeldSink { CompleteAtOnce = true, Failure = new IOException("dead-letter file: no space left on device") };
        Spool(3);
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 3, TimeSpan.Zero, concurrency: 2).RunAsync(stop.Token);

        await Eventually(() => _spool.PendingRecords == 0, "the batch is confirmed");
        await Task.Delay(100);
        Assert.Single(sink.Calls); // no second write of the same lines: the stage has no retry loop of its own

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    /// <summary>Records each write; the write completes when the test says so (or at once).</summary>
    private sealed class HeldSink : ILineSink
    {
        private int _inFlight;
        private Exception? _failure;

        public List<Call> Calls { get; } = [];

        public bool CompleteAtOnce { get; set; }

        /// <summary>Thrown by the next write once it completes (then cleared).</summary>
        public Exception? Failure { get => _failure; set => _failure = value; }

        public int MaxInFlight { get; private set; }

        public LineProtocolBuffer CreateBuffer() => new();

        public async Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
        {
            string text = Encoding.UTF8.GetString(lines.WrittenMemory.Span);
            var call = new Call(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            lock (Calls) Calls.Add(call);
            lock (Calls) MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
            try
            {
                if (!CompleteAtOnce) await call.Done.Task.WaitAsync(ct);
                if (Interlocked.Exchange(ref _failure, null) is { } failure) throw failure;
                return new WriteResult(Enumerable.Range(0, lines.LineCount)
                    .Select(i => new LineOutcome(i, i, LineWriteStatus.Written, null)).ToArray());
            }
            finally
            {
                lock (Calls) _inFlight--;
            }
        }
    }

    private sealed record Call(string[] Lines)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete() => Done.TrySetResult();
    }
}
