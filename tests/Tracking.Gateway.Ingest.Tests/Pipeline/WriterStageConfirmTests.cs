using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The writer confirms settled batches to the spool together, at most once per confirm interval (each confirmation is a
/// checkpoint file written and fsynced), yet nothing settled stays unconfirmed: an idle writer confirms once the interval
/// is over, a stopping one at once, and the checkpoint on disk is where the next start resumes.
/// </summary>
public sealed class WriterStageConfirmTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "writer-confirm-" + Guid.NewGuid().ToString("N"));
    private readonly CountingSpoolFileSystem _files = new();
    private readonly DiskSpool _spool;
    private readonly DeadLetterFile _deadLetters;

    public WriterStageConfirmTests()
    {
        _spool = DiskSpool.Open(new SpoolOptions { Directory = _dir }, NullLogger.Instance, _files);
        _deadLetters = new DeadLetterFile(_dir);
    }

    public void Dispose()
    {
        _deadLetters.Dispose();
        _spool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private void Spool(int count)
    {
        const string topic = "tracking/v1/fleet/CSQU3054383/tag-1/telemetry";
        for (int seq = 0; seq < count; seq++)
        {
            string payload = $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000L + seq * 1000L},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1]]}}";
            Assert.True(_spool.TryAppend(SpoolRecords.Of(topic, payload, 1_732_700_000_000)));
        }

        _spool.Commit();
    }

    private WriterStage Stage(CountingSink sink, TimeSpan confirmInterval) =>
        new(_spool, sink, _deadLetters, new GatewayMetrics(), batchLines: 2, maxDelay: TimeSpan.Zero, concurrency: 2, strictContainerIds: true,
            NullLogger.Instance, confirmInterval: confirmInterval);

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
    public async Task Batches_that_settle_within_the_interval_share_one_checkpoint_and_a_stop_confirms_the_rest()
    {
        var sink = new CountingSink();
        Spool(20);
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, TimeSpan.FromHours(1)).RunAsync(stop.Token);

        await Eventually(() => sink.Writes == 10, "all ten batches are written");
        await Task.Delay(100);
        // The first batch was confirmed at once (no confirmation before it); the nine after it wait for the interval.
        Assert.Equal(1, _files.Checkpoints);
        Assert.Equal(18, _spool.PendingRecords);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(0, _spool.PendingRecords);
        Assert.Equal(2, _files.Checkpoints);

        // The checkpoint on disk is past every record: a new start has nothing to write again.
        _spool.Dispose();
        using DiskSpool reopened = DiskSpool.Open(new SpoolOptions { Directory = _dir });
        Assert.Equal(0, reopened.PendingRecords);
    }

    [Fact]
    public async Task An_idle_writer_confirms_what_settled_once_the_interval_is_over()
    {
        var sink = new CountingSink();
        using var stop = new CancellationTokenSource();
        Task running = Stage(sink, TimeSpan.FromMilliseconds(200)).RunAsync(stop.Token);
        Spool(2);
        await Eventually(() => _spool.PendingRecords == 0, "the first batch is confirmed");
        Spool(6);

        // No record comes after these: the writer confirms them anyway once the interval since the last confirmation is over.
        await Eventually(() => sink.Writes == 4 && _spool.PendingRecords == 0, "the idle writer confirms the settled batches");
        Assert.InRange(_files.Checkpoints, 2, 4);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    /// <summary>Writes every line at once and counts the writes.</summary>
    private sealed class CountingSink : ILineSink
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public LineProtocolBuffer CreateBuffer() => new();

        public Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
        {
            Interlocked.Increment(ref _writes);
            return Task.FromResult(new WriteResult(Enumerable.Range(0, lines.LineCount)
                .Select(i => new LineOutcome(i, i, LineWriteStatus.Written, null)).ToArray()));
        }
    }
}
