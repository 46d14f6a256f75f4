using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;
using Tracking.Testing;

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
        for (int seq = firstSeq; seq < firstSeq + count; seq++)
        {
            string payload = $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000L + seq * 1000L},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1]]}}";
            Assert.True(_spool.TryAppend(SpoolRecords.Of(topic, payload, 1_732_700_000_000)));
        }

        _spool.Commit();
    }

    private WriterStage Stage(HeldSink sink, int batchLines, TimeSpan maxDelay, int concurrency, double loadLinesPerSecond = 5000,
        TimeSpan? quietGap = null) =>
        new(_spool, sink, _deadLetters, new GatewayMetrics(), batchLines, maxDelay, concurrency, strictContainerIds: true,
            NullLogger.Instance, loadLinesPerSecond: loadLinesPerSecond, quietGap: quietGap);

    [Fact]
    public async Task The_spool_is_confirmed_in_order_when_a_later_write_finishes_first()
    {
        var sink = new HeldSink();
        Spool(6);
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 3, TimeSpan.Zero, concurrency: 2).RunAsync(stop.Token);

        await Poll.UntilAsync(() => sink.Calls.Count == 2, "both batches are in flight");
        Assert.Equal([3, 3], sink.Calls.Select(c => c.Lines.Length));
        Assert.Contains("seq=0i", sink.Calls[0].Lines[0]);
        Assert.Contains("seq=3i", sink.Calls[1].Lines[0]);

        sink.Calls[1].Complete(); // the second batch is written first
        await Task.Delay(100);
        Assert.Equal(6, _spool.PendingRecords); // nothing confirmed past the unsettled first batch

        sink.Calls[0].Complete();
        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "both batches are confirmed");

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

        await Poll.UntilAsync(() => sink.Calls.Count == 2, "two writes are in flight");
        await Task.Delay(100);
        Assert.Equal(2, sink.Calls.Count); // the third batch waits for a free slot

        for (int done = 0; done < 5; done++)
        {
            int expected = Math.Min(5, done + 3);
            sink.Calls[done].Complete();
            await Poll.UntilAsync(() => sink.Calls.Count == expected, $"write {expected} starts");
        }

        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "all five batches are confirmed");
        Assert.Equal(2, sink.MaxInFlight);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task An_idle_writer_sends_a_record_at_once_not_after_the_delay()
    {
        var sink = new HeldSink { CompleteAtOnce = true };
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 5000, TimeSpan.FromSeconds(30), concurrency: 2).RunAsync(stop.Token);

        for (int seq = 0; seq < 3; seq++)
        {
            Spool(1, firstSeq: seq);
            // Nothing in flight: each record is its own write, none waits for the 30 s delay or for company.
            await Poll.UntilAsync(() => sink.Calls.Count == seq + 1 && _spool.PendingRecords == 0, $"record {seq} is written at once");
        }

        Assert.All(sink.Calls, call => Assert.Single(call.Lines));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Two_quick_batches_at_light_load_do_not_switch_the_writer_to_batching()
    {
        // The load is measured over WriterStage.LoadWindow, not per batch: two 250-line batches a few ms apart once read as
        // 5,000+ lines/s, and the records after them then waited for a pause in the commits (here 20 s) or MaxDelay.
        var sink = new HeldSink { CompleteAtOnce = true };
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 5000, TimeSpan.FromSeconds(30), concurrency: 2, loadLinesPerSecond: 5000,
            quietGap: TimeSpan.FromSeconds(20)).RunAsync(stop.Token);

        Spool(250);
        await Poll.UntilAsync(() => sink.Calls.Count == 1, "the first burst is written");
        Spool(250, firstSeq: 250);
        await Poll.UntilAsync(() => sink.Calls.Count == 2, "the second burst is written");
        for (int seq = 500; seq < 505; seq++)
        {
            Spool(1, firstSeq: seq);
            await Poll.UntilAsync(() => sink.Calls.Count == seq - 497, $"record {seq} is written at once");
        }

        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "every record is confirmed");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task After_a_burst_and_an_idle_spell_the_next_record_goes_at_once_while_commits_keep_coming()
    {
        var sink = new HeldSink { CompleteAtOnce = true };
        using var stop = new CancellationTokenSource();
        // Under load (100 lines/s here) a batch waits for the commits to pause (1 s here) or for MaxDelay (30 s): a commit
        // every few ms never pauses, so only MaxDelay would end the wait; it may not hold the first record after the burst
        // once the writer has been idle for longer than the load window.
        Task running = Stage(sink, batchLines: 5000, TimeSpan.FromSeconds(30), concurrency: 2, loadLinesPerSecond: 100,
            quietGap: TimeSpan.FromSeconds(1)).RunAsync(stop.Token);
        int seq = 0;
        var burst = System.Diagnostics.Stopwatch.StartNew();
        while (burst.Elapsed < WriterStage.LoadWindow * 1.5)
        {
            Spool(1000, firstSeq: seq); // about 20,000 lines/s over more than a load window: under load
            seq += 1000;
            await Task.Delay(50);
        }
        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "the burst is written (its last batch once the commits paused for 1 s)");
        await Task.Delay(WriterStage.LoadWindow * 2); // idle

        int calls = sink.Calls.Count;
        int first = seq;
        using var trickle = new CancellationTokenSource();
        Task commits = Task.Run(async () =>
        {
            // A commit every 5 ms from now on: under load the batch would never see the commits pause.
            while (!trickle.IsCancellationRequested)
            {
                Spool(1, firstSeq: seq++);
                await Task.Delay(5);
            }
        });
        try
        {
            await Poll.UntilAsync(() => sink.Calls.Skip(calls).Any(c => c.Lines.Any(l => l.Contains($"seq={first}i", StringComparison.Ordinal))),
                "the first record after the idle spell is written", TimeSpan.FromSeconds(10));
        }

        finally
        {
            await trickle.CancelAsync();
            await commits;
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task While_a_write_is_in_flight_the_next_batch_collects_commits_until_it_returns()
    {
        var sink = new HeldSink();
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 5000, TimeSpan.FromSeconds(30), concurrency: 2).RunAsync(stop.Token);

        Spool(1);
        await Poll.UntilAsync(() => sink.Calls.Count == 1, "the first record goes out at once");
        Spool(1, firstSeq: 1);
        await Task.Delay(50);
        Spool(2, firstSeq: 2);
        await Task.Delay(100);
        Assert.Single(sink.Calls); // a second slot is free, but the batch waits for the write in flight

        sink.Calls[0].Complete();
        await Poll.UntilAsync(() => sink.Calls.Count == 2, "the collected batch goes when the first write returns");
        Assert.Equal(3, sink.Calls[1].Lines.Length);
        Assert.Contains("seq=1i", sink.Calls[1].Lines[0]);
        Assert.Contains("seq=3i", sink.Calls[1].Lines[2]);

        sink.Calls[1].Complete();
        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "both batches are confirmed");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task While_a_write_is_in_flight_a_full_batch_takes_the_second_slot()
    {
        var sink = new HeldSink();
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, batchLines: 4, TimeSpan.FromSeconds(30), concurrency: 2).RunAsync(stop.Token);

        Spool(1);
        await Poll.UntilAsync(() => sink.Calls.Count == 1, "the first record goes out at once");
        Spool(2, firstSeq: 1);
        await Task.Delay(100);
        Assert.Single(sink.Calls);
        Spool(3, firstSeq: 3); // the batch takes two of these and is full

        await Poll.UntilAsync(() => sink.Calls.Count == 2, "the full batch is written beside the first");
        Assert.Equal(4, sink.Calls[1].Lines.Length);
        Assert.Contains("seq=1i", sink.Calls[1].Lines[0]);
        Assert.Contains("seq=4i", sink.Calls[1].Lines[3]);
        await Task.Delay(100);
        Assert.Equal(2, sink.Calls.Count); // the last record waits for a free slot

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(6, _spool.PendingRecords);
    }

    [Fact]
    public async Task Under_load_a_short_batch_waits_for_later_commits_and_goes_out_when_full()
    {
        var sink = new HeldSink { CompleteAtOnce = true };
        using var stop = new CancellationTokenSource();
        // Always under load (0 lines/s), and neither the delay nor a pause ends the wait here: only a full batch does.
        Task running = Stage(sink, batchLines: 4, TimeSpan.FromSeconds(30), concurrency: 2, loadLinesPerSecond: 0,
            quietGap: TimeSpan.FromSeconds(30)).RunAsync(stop.Token);

        Spool(1);
        await Task.Delay(100);
        Spool(2, firstSeq: 1);
        await Task.Delay(100);
        Assert.Empty(sink.Calls);
        Spool(3, firstSeq: 3); // the batch takes one of these and is full

        await Poll.UntilAsync(() => sink.Calls.Count >= 1, "the full batch is written");
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
    public async Task Under_load_a_short_batch_goes_out_when_the_commits_pause_not_after_the_whole_delay()
    {
        var sink = new HeldSink { CompleteAtOnce = true };
        Spool(1);
        using var stop = new CancellationTokenSource();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Task running = Stage(sink, batchLines: 5000, TimeSpan.FromSeconds(30), concurrency: 2, loadLinesPerSecond: 0).RunAsync(stop.Token);

        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "the single record is written and confirmed");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"took {started.Elapsed}");
        Assert.Single(sink.Calls);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Version_1_records_of_an_old_spool_give_the_same_lines_as_version_2_records()
    {
        const string topic = "tracking/v1/fleet/CSQU3054383/tag-1/telemetry";
        string[] payloads =
        [
            "{\"v\":1,\"boot\":2,\"seq\":7,\"a0\":90000,\"bat\":3.7,\"r\":[[0,4.5,null,1013.2,0.1],[300000,-1.25,80,990,2.5]]}",
            "{\"v\":1,\"boot\":2,\"seq\":9,\"t0\":1732600000000,\"t_est\":true,\"bat\":3.6,\"r\":[[0,4.5,55,1013.2,0.1]]}",
        ];
        var sink = new HeldSink { CompleteAtOnce = true };
        foreach (string payload in payloads) Assert.True(_spool.TryAppend(SpoolRecords.Version1(topic, payload, 1_732_700_000_000)));
        foreach (string payload in payloads) Assert.True(_spool.TryAppend(SpoolRecords.Of(topic, payload, 1_732_700_000_000)));
        _spool.Commit();

        await Stage(sink, batchLines: 5000, TimeSpan.Zero, concurrency: 1).DrainAsync(CancellationToken.None);

        string[] lines = [.. sink.Calls.SelectMany(c => c.Lines)];
        Assert.Equal(6, lines.Length);
        Assert.Equal(lines[..3], lines[3..]);
        Assert.Contains("a0_time=", lines[0]);
        Assert.Contains("t_est=true", lines[2]);
        Assert.Equal(0, _deadLetters.Count);
    }

    [Fact]
    public async Task The_writer_encodes_the_stored_fields_and_does_not_parse_the_payload_again()
    {
        const string topic = "tracking/v1/fleet/CSQU3054383/tag-1/telemetry";
        byte[] record = SpoolRecords.Of(topic, "{\"v\":1,\"boot\":1,\"seq\":5,\"t0\":1732600000000,\"bat\":3.6,\"r\":[[0,4.5,55,1013.2,0.1]]}", 1_732_700_000_000);
        // Spoil the payload's JSON at the end of the record: a writer that parsed it would dead-letter the record.
        record[^1] = (byte)'!';
        var sink = new HeldSink { CompleteAtOnce = true };
        Assert.True(_spool.TryAppend(record));
        _spool.Commit();

        await Stage(sink, batchLines: 5000, TimeSpan.Zero, concurrency: 1).DrainAsync(CancellationToken.None);

        string line = Assert.Single(sink.Calls.SelectMany(c => c.Lines));
        Assert.StartsWith("env,container=CSQU3054383,fleet=fleet,tag=tag-1 temp_c=4.5", line);
        Assert.EndsWith(" 1732600000000", line);
        Assert.Equal(0, _deadLetters.Count);
    }

    [Fact]
    public async Task A_stop_keeps_unsettled_batches_spooled_and_the_drain_writes_them()
    {
        var sink = new HeldSink();
        Spool(6);
        var stage = Stage(sink, batchLines: 3, TimeSpan.Zero, concurrency: 2);
        using var stop = new CancellationTokenSource();
        Task running = stage.RunAsync(stop.Token);
        await Poll.UntilAsync(() => sink.Calls.Count == 2, "both batches are in flight");
        sink.Calls[0].Complete();
        await Poll.UntilAsync(() => _spool.PendingRecords == 3, "the first batch is confirmed");

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

        await Poll.UntilAsync(() => _spool.PendingRecords == 0, "the batch is confirmed");
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
