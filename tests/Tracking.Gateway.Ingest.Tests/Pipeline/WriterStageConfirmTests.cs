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
/// The writer confirms settled batches to the spool together, at most once per confirm interval (each confirmation is a
/// checkpoint file written and fsynced), yet nothing settled stays unconfirmed: an idle writer confirms once the interval
/// is over, a stopping one at once, and the checkpoint on disk is where the next start resumes.
/// </summary>
public sealed class WriterStageConfirmTests : IDisposable
{
    private readonly CountingSpoolFileSystem _files = new();
    private readonly WriterRig _rig;

    public WriterStageConfirmTests() => _rig = new WriterRig("writer-confirm", _files);

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Batches_that_settle_within_the_interval_share_one_checkpoint_and_a_stop_confirms_the_rest()
    {
        var sink = new CountingSink();
        _rig.Append(0, 20);
        using var stop = new CancellationTokenSource();
        Task running = _rig.Stage(sink, TimeSpan.FromHours(1), manualTime: false).RunAsync(stop.Token);

        await Poll.UntilAsync(() => sink.Writes == 10, "all ten batches are written");
        await Task.Delay(100);
        // The first batch was confirmed at once (no confirmation before it); the nine after it wait for the interval.
        Assert.Equal(1, _files.Checkpoints);
        Assert.Equal(18, _rig.Spool.PendingRecords);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(0, _rig.Spool.PendingRecords);
        Assert.Equal(2, _files.Checkpoints);

        // The checkpoint on disk is past every record: a new start has nothing to write again.
        _rig.Spool.Dispose();
        using DiskSpool reopened = DiskSpool.Open(new SpoolOptions { Directory = _rig.Directory });
        Assert.Equal(0, reopened.PendingRecords);
    }

    [Fact]
    public async Task An_idle_writer_confirms_what_settled_once_the_interval_is_over()
    {
        var sink = new CountingSink();
        using var stop = new CancellationTokenSource();
        Task running = _rig.Stage(sink, TimeSpan.FromMilliseconds(200), manualTime: false).RunAsync(stop.Token);
        _rig.Append(0, 2);
        await Poll.UntilAsync(() => _rig.Spool.PendingRecords == 0, "the first batch is confirmed");
        _rig.Append(0, 6);

        // No record comes after these: the writer confirms them anyway once the interval since the last confirmation is over.
        await Poll.UntilAsync(() => sink.Writes == 4 && _rig.Spool.PendingRecords == 0, "the idle writer confirms the settled batches");
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
