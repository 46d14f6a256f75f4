using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Configuration;
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
/// /healthz must not say "ok" while the writer leaves committed records waiting with no write in flight and its
/// checkpoint unmoved (the proxy-influx stall answered 200 "ok" for 3 minutes): <see cref="WriterStage.StalledFor"/>
/// and the health problem it feeds. A writer that is not running stands for a stuck one.
/// </summary>
public sealed class WriterStageStallTests : IDisposable
{
    private readonly WriterRig _rig = new("writer-stall");

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Records_waiting_for_a_stuck_writer_make_a_health_problem_and_a_working_writer_clears_it()
    {
        var sink = new HeldSink();
        WriterStage stage = _rig.Stage(sink);
        var health = new GatewayHealth(new HealthOptions { WriterStalledAfter = TimeSpan.FromSeconds(60) }, _rig.Time);

        // Nothing committed: no stall however long.
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        _rig.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());

        // Committed records nobody writes: counted from the first look that sees them (not from the idle spell before).
        _rig.Append(0, 3);
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        _rig.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(TimeSpan.FromSeconds(59), stage.StalledFor());
        Assert.Empty(health.Evaluate(true, _rig.Spool, 0, null, stage.UnreachableFor, stage.StalledFor()).Problems);
        _rig.Time.Advance(TimeSpan.FromSeconds(2));
        HealthSnapshot stalled = health.Evaluate(true, _rig.Spool, 0, null, stage.UnreachableFor, stage.StalledFor());
        Assert.Equal(["writer stalled for 61 s: committed records wait with no write in flight (limit 60 s)"], stalled.Problems);
        Assert.Equal(61, stalled.WriterStalledSeconds, 3);
        Assert.False(stalled.Ok);

        // The writer runs; its write hangs (InfluxDB slow): that is a write in flight, UnreachableFor's, not a stall.
        using var stop = new CancellationTokenSource();
        Task running = stage.RunAsync(stop.Token);
        await Poll.UntilAsync(() => sink.Started >= 1, "the first write starts");
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        Assert.Equal(TimeSpan.FromMinutes(2), stage.UnreachableFor);

        // The writes go through and are confirmed: no stall, healthy.
        sink.Release();
        await Poll.UntilAsync(() => _rig.Spool.PendingRecords == 0, "every record is confirmed");
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        Assert.Empty(health.Evaluate(true, _rig.Spool, 0, null, stage.UnreachableFor, stage.StalledFor()).Problems);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public void A_checkpoint_that_moves_between_looks_is_progress()
    {
        WriterStage stage = _rig.Stage(new HeldSink());
        _rig.Append(0, 4);
        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        _rig.Time.Advance(TimeSpan.FromSeconds(90));

        // Half confirmed since the last look (records still waiting): progress, the stall counts again from now.
        using (SpoolReader reader = _rig.Spool.CreateReader())
        {
            Assert.Equal(2, reader.Read(2, 0, static (_, _, _) => { }));
            _rig.Spool.Confirm(reader.Position, 2);
        }

        Assert.Equal(TimeSpan.Zero, stage.StalledFor());
        _rig.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), stage.StalledFor());
    }

    [Fact]
    public void The_limit_must_be_positive()
    {
        Assert.Throws<ArgumentException>(() => new HealthOptions { WriterStalledAfter = TimeSpan.Zero }.Validate());
        new HealthOptions().Validate();
    }

    /// <summary>Holds every write until <see cref="Release"/>, then writes every line.</summary>
    private sealed class HeldSink : ILineSink
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public void Release() => _release.TrySetResult();

        public LineProtocolBuffer CreateBuffer() => new();

        public async Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
        {
            Interlocked.Increment(ref _started);
            await _release.Task.WaitAsync(ct);
            return new WriteResult(Enumerable.Range(0, lines.LineCount)
                .Select(i => new LineOutcome(i, i, LineWriteStatus.Written, null)).ToArray());
        }
    }
}
