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
/// A write that faults with an exception other than <see cref="IOException"/> (anything InfluxWriter does not retry
/// itself) must not stall the writer: before the fix such a batch was never confirmed (ConfirmSettled waits for a write
/// that completed successfully), held the spool position for good with no write in flight and no log line, and the next
/// batch beyond Concurrency ended the writer; the metrics of the proxy-influx chaos stall look exactly like that
/// (docs/reliability.md). The interleaving is forced: the sink faults its first write, the clock is a manual one.
/// </summary>
public sealed class WriterStageFaultTests : IDisposable
{
    private readonly WriterRig _rig = new("writer-fault");

    public void Dispose() => _rig.Dispose();

    /// <summary>Waits for <paramref name="condition"/>, moving the stage's clock 100 ms per look so its retry waits pass.</summary>
    private Task EventuallyAdvancing(Func<bool> condition, string what) => Poll.UntilAsync(() =>
    {
        if (condition()) return true;
        _rig.Time.Advance(TimeSpan.FromMilliseconds(100));
        return false;
    }, what);

    [Fact]
    public async Task A_write_that_faults_is_written_again_and_confirmed_and_the_writer_goes_on()
    {
        var sink = new FaultingSink(faults: 1);
        using var stop = new CancellationTokenSource();
        Task running = _rig.Stage(sink).RunAsync(stop.Token);
        _rig.Append(0, 2);
        await Poll.UntilAsync(() => sink.Attempts >= 1, "the first write is tried");

        // Before the fix the faulted batch was never written again nor confirmed: this timed out with 2 records pending.
        await EventuallyAdvancing(() => _rig.Spool.PendingRecords == 0, "the faulted batch is written again and confirmed");
        Assert.Equal([0L, 1L], sink.WrittenSeqs.Order());
        Assert.Equal(1, _rig.Metrics.InfluxErrors); // the fault is counted (and logged), not silent

        // Records committed after the fault are written and confirmed too: the writer did not stop (before the fix the
        // batch beyond Concurrency awaited the faulted write and ended RunAsync with its exception).
        _rig.Append(2, 6);
        await EventuallyAdvancing(() => _rig.Spool.PendingRecords == 0, "the records after the fault are confirmed");
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), sink.WrittenSeqs.Order());
        Assert.False(running.IsCompleted, $"the writer stopped: {running.Exception?.InnerException?.Message}");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task The_faulted_batch_waits_for_its_retry_on_the_stages_clock()
    {
        var sink = new FaultingSink(faults: 1);
        using var stop = new CancellationTokenSource();
        Task running = _rig.Stage(sink).RunAsync(stop.Token);
        _rig.Append(0, 2);

        await Poll.UntilAsync(() => sink.Attempts == 1 && _rig.Time.PendingTimers.Contains(WriterStage.FaultRetryDelay(1)), "the retry waits");
        Assert.Equal(2, _rig.Spool.PendingRecords);
        Assert.Equal(0, _rig.Metrics.WriteBatches);
        _rig.Time.Advance(WriterStage.FaultRetryDelay(1));
        await Poll.UntilAsync(() => _rig.Spool.PendingRecords == 0, "the retry writes and confirms the batch");
        Assert.Equal(2, sink.Attempts);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task A_batch_that_keeps_faulting_shows_as_influxdb_unreachable_and_is_not_confirmed()
    {
        var sink = new FaultingSink(faults: int.MaxValue);
        using var stop = new CancellationTokenSource();
        WriterStage stage = _rig.Stage(sink);
        Task running = stage.RunAsync(stop.Token);
        _rig.Append(0, 2);

        for (int attempt = 1; attempt <= 3; attempt++)
        {
            TimeSpan delay = WriterStage.FaultRetryDelay(attempt);
            await Poll.UntilAsync(() => sink.Attempts == attempt && _rig.Time.PendingTimers.Contains(delay), $"attempt {attempt} waits for its retry");
            _rig.Time.Advance(delay);
        }

        // Never confirmed (nothing is lost), never silent: the write is in flight, so UnreachableFor grows with the clock.
        await Poll.UntilAsync(() => sink.Attempts == 4, "attempt 4");
        Assert.Equal(2, _rig.Spool.PendingRecords);
        Assert.True(stage.UnreachableFor >= TimeSpan.FromMilliseconds(700), $"unreachable for {stage.UnreachableFor}");
        Assert.True(_rig.Metrics.InfluxErrors >= 3, $"{_rig.Metrics.InfluxErrors} failures counted");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(2, _rig.Spool.PendingRecords);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(6, 3200)]
    [InlineData(7, 5000)]
    [InlineData(40, 5000)]
    public void The_retry_delay_doubles_up_to_the_ingest_stages_limit(int attempt, int ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), WriterStage.FaultRetryDelay(attempt));

    /// <summary>Faults its first <c>faults</c> writes with an exception InfluxWriter would not retry, then writes everything.</summary>
    private sealed class FaultingSink(int faults) : ILineSink
    {
        private readonly List<long> _seqs = [];
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public long[] WrittenSeqs { get { lock (_seqs) return [.. _seqs]; } }

        public LineProtocolBuffer CreateBuffer() => new();

        public Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _attempts) <= faults)
            {
                return Task.FromException<WriteResult>(new InvalidOperationException("fault injected by the test"));
            }

            lock (_seqs)
            {
                for (int i = 0; i < lines.LineCount; i++) _seqs.Add(SeqOf(lines.GetLine(i)));
            }

            return Task.FromResult(new WriteResult(Enumerable.Range(0, lines.LineCount)
                .Select(i => new LineOutcome(i, i, LineWriteStatus.Written, null)).ToArray()));
        }

        private static long SeqOf(ReadOnlySpan<byte> line)
        {
            string text = System.Text.Encoding.UTF8.GetString(line);
            int at = text.IndexOf("seq=", StringComparison.Ordinal);
            Assert.True(at >= 0, "no seq field in " + text);
            int end = at + 4;
            while (end < text.Length && char.IsDigit(text[end])) end++;
            return long.Parse(text[(at + 4)..end], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
