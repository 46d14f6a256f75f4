using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Group;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Consumers;

namespace Tracking.Gateway.Ingest.Tests.Group;

/// <summary>
/// A survivor drains a dead peer's spool over real spool directories: every record to the writer and the consumers once,
/// from the peer's checkpoints, which it advances; a live peer (its lock held, also by another process) is left alone; a
/// survivor stopped mid-drain leaves the rest to the next one. Through real gateways, mosquitto and influxd:
/// tests/Tracking.Gateway.Tests (PeerSpoolAdoptionTests) and the chaos suite's ScaleOutTests.
/// </summary>
public sealed class PeerSpoolAdopterTests : IDisposable
{
    private const string Rules = "rules";
    private readonly PeerSpools _dirs = new();
    private readonly DeadLetterFile _deadLetters;

    public PeerSpoolAdopterTests()
    {
        Directory.CreateDirectory(_dirs.PathOf("survivor"));
        _deadLetters = new DeadLetterFile(_dirs.PathOf("survivor"));
    }

    private PeerSpoolAdopter Adopter(ILineSink sink, params ISpoolConsumer[] consumers) =>
        new(new SpoolOptions { Directory = _dirs.PathOf("survivor"), Peers = [_dirs.PathOf("gw-b")] },
            spool => new WriterStage(spool, sink, _deadLetters, new GatewayMetrics(), batchLines: 4, maxDelay: TimeSpan.Zero,
                concurrency: 2, strictContainerIds: true, NullLogger.Instance),
            consumers, strictContainerIds: true, NullLoggerFactory.Instance);

    [Fact]
    public async Task A_dead_peers_spool_reaches_the_writer_and_the_consumers_once_and_is_left_drained()
    {
        string peer = _dirs.Dead("gw-b", 50, DiskSpool.WriterReader, Rules);
        var sink = new RecordingLineSink();
        var rules = new RecordingConsumer(Rules);
        PeerSpoolAdopter adopter = Adopter(sink, rules);

        Assert.Equal(PeerSpoolState.Drained, await adopter.TryAdoptAsync(peer, CancellationToken.None));

        Assert.Equal(50, sink.Lines.Count);
        Assert.Equal(50, sink.Lines.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), rules.Messages.Select(m => m.Seq));
        using (DiskSpool after = PeerSpools.Reopen(peer, DiskSpool.WriterReader, Rules))
        {
            // the peer's own checkpoints moved: a restarted peer finds nothing to write or to hand its rules
            Assert.Equal(0, after.PendingRecordsOf(DiskSpool.WriterReader));
            Assert.Equal(0, after.PendingRecordsOf(Rules));
        }

        Assert.Equal(1, adopter.Adoptions);
        Assert.Equal(50, adopter.AdoptedRecords[DiskSpool.WriterReader]);
        Assert.Equal(50, adopter.AdoptedRecords[Rules]);
        var text = new StringBuilder();
        adopter.WriteMetrics(text);
        Assert.Contains("tracking_gateway_spool_adopted_records_total{reader=\"writer\"} 50\n", text.ToString(), StringComparison.Ordinal);
        Assert.Contains("tracking_gateway_spool_peers{state=\"dead\"} 1\n", text.ToString(), StringComparison.Ordinal);

        // the next try finds it drained: nothing is written again
        Assert.Equal(PeerSpoolState.Dead, await adopter.TryAdoptAsync(peer, CancellationToken.None));
        Assert.Equal(50, sink.Lines.Count);
        Assert.Equal(1, adopter.Adoptions);
    }

    [Fact]
    public async Task A_peer_whose_lock_is_held_is_alive_and_is_adopted_once_its_process_is_killed()
    {
        string peer = _dirs.Dead("gw-b", 10);
        var sink = new RecordingLineSink();
        PeerSpoolAdopter adopter = Adopter(sink);
        using (DiskSpool running = PeerSpools.Reopen(peer, DiskSpool.WriterReader))
        {
            Assert.Equal(PeerSpoolState.Alive, await adopter.TryAdoptAsync(peer, CancellationToken.None));
        }

        using (var child = PeerSpools.HoldLockInChild(peer))
        {
            try
            {
                Assert.Equal(PeerSpoolState.Alive, await adopter.TryAdoptAsync(peer, CancellationToken.None));
                Assert.Empty(sink.Lines);
                var text = new StringBuilder();
                adopter.WriteMetrics(text);
                Assert.Contains("tracking_gateway_spool_peers{state=\"alive\"} 1\n", text.ToString(), StringComparison.Ordinal);
            }
            finally
            {
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
            }
        }

        Assert.Equal(PeerSpoolState.Drained, await adopter.TryAdoptAsync(peer, CancellationToken.None));
        Assert.Equal(10, sink.Lines.Distinct().Count());
        Assert.Equal(PeerSpoolState.Absent, await adopter.TryAdoptAsync(_dirs.PathOf("never-ran"), CancellationToken.None));
        Assert.False(Directory.Exists(_dirs.PathOf("never-ran")));
    }

    [Fact]
    public async Task A_survivor_stopped_mid_drain_leaves_the_rest_to_the_next_and_nothing_is_lost()
    {
        string peer = _dirs.Dead("gw-b", 60, DiskSpool.WriterReader, Rules);
        // the first survivor's InfluxDB takes 20 lines, then hangs; its rules take one batch, then hang
        var stuckSink = new RecordingLineSink { HoldAfter = 20 };
        var stuckRules = new GateAfterFirst(Rules);
        PeerSpoolAdopter first = Adopter(stuckSink, stuckRules);
        using var stop = new CancellationTokenSource();
        Task<PeerSpoolState> adopting = first.TryAdoptAsync(peer, stop.Token);
        while (stuckSink.Lines.Count < 20 || stuckRules.Taken == 0) await Task.Delay(10);
        await Task.Delay(300); // past the writer's and the consumer's confirm intervals: what settled is checkpointed
        Assert.False(adopting.IsCompleted);
        // while it drains, the peer's lock is held: a restarted peer would wait
        Assert.Throws<SpoolLockedException>(() => PeerSpools.Reopen(peer, DiskSpool.WriterReader));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => adopting);

        var sink = new RecordingLineSink();
        var rules = new RecordingConsumer(Rules);
        PeerSpoolAdopter second = Adopter(sink, rules);
        Assert.Equal(PeerSpoolState.Drained, await second.TryAdoptAsync(peer, CancellationToken.None));

        // every record reached InfluxDB and the rules; the second survivor started at the first one's checkpoints
        string[] all = [.. stuckSink.Lines, .. sink.Lines];
        Assert.Equal(60, all.Distinct().Count());
        Assert.True(sink.Lines.Count < 60, $"the second survivor wrote {sink.Lines.Count} lines: it did not start at the checkpoint");
        long[] seqs = [.. stuckRules.Messages.Select(m => m.Seq), .. rules.Messages.Select(m => m.Seq)];
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), seqs.Distinct().Order());
        Assert.True(rules.Messages.Count < 60, "the second survivor's rules got everything again");
        using DiskSpool after = PeerSpools.Reopen(peer, DiskSpool.WriterReader, Rules);
        Assert.Equal(0, after.PendingRecords);
    }

    [Fact]
    public async Task Records_of_a_reader_only_the_peer_has_stay_in_its_spool()
    {
        string peer = _dirs.Dead("gw-b", 30, DiskSpool.WriterReader, "export");
        var sink = new RecordingLineSink();
        Assert.Equal(PeerSpoolState.Drained, await Adopter(sink).TryAdoptAsync(peer, CancellationToken.None));
        Assert.Equal(30, sink.Lines.Count);
        using DiskSpool after = PeerSpools.Reopen(peer, DiskSpool.WriterReader, "export");
        Assert.Equal(0, after.PendingRecordsOf(DiskSpool.WriterReader));
        Assert.Equal(30, after.PendingRecordsOf("export"));
    }

    [Fact]
    public void The_peers_setting_is_checked()
    {
        var options = new SpoolOptions { Directory = "data/spool", Peers = ["data/spool/"] };
        Assert.Contains("own Spool:Directory", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.Peers = ["/srv/b", "/srv/b/"];
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.Peers = ["/srv/b", " "];
        Assert.Contains("Spool:Peers:1 is empty", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.Peers = ["/srv/b", "/srv/c"];
        options.AdoptInterval = TimeSpan.Zero;
        Assert.Contains("AdoptInterval", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);
        options.AdoptInterval = TimeSpan.FromSeconds(1);
        options.Validate();
    }

    [Fact]
    public async Task A_serialized_consumer_never_runs_two_calls_at_once()
    {
        var inner = new OverlapCounter();
        var serialized = new SerializedConsumer(inner);
        TagMessage[] batch = [];
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            for (int n = 0; n < 20; n++)
            {
                if (n % 5 == 0) await serialized.SaveAsync(CancellationToken.None);
                else await serialized.ConsumeAsync(batch, CancellationToken.None);
            }
        })));
        Assert.Equal(160, inner.Calls);
        Assert.Equal(1, inner.MostAtOnce);
        Assert.Equal("overlap", serialized.Name);
        Assert.Equal(TimeSpan.FromSeconds(1), serialized.SaveInterval);
    }

    /// <summary>Takes its first batch, then hangs on the next until cancelled.</summary>
    private sealed class GateAfterFirst(string name) : ISpoolConsumer
    {
        private readonly List<TagMessage> _messages = [];

        public string Name { get; } = name;

        public int Taken { get { lock (_messages) return _messages.Count; } }

        public IReadOnlyList<TagMessage> Messages { get { lock (_messages) return [.. _messages]; } }

        public async ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
        {
            if (Taken > 0) await Task.Delay(Timeout.Infinite, ct);
            lock (_messages) _messages.AddRange(messages);
        }
    }

    private sealed class OverlapCounter : ISpoolConsumer
    {
        private int _now;
        private int _most;
        private int _calls;

        public string Name => "overlap";

        public TimeSpan SaveInterval => TimeSpan.FromSeconds(1);

        public int Calls => _calls;

        public int MostAtOnce => _most;

        public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct) => Enter();

        public ValueTask SaveAsync(CancellationToken ct) => Enter();

        private async ValueTask Enter()
        {
            int now = Interlocked.Increment(ref _now);
            InterlockedMax(now);
            Interlocked.Increment(ref _calls);
            await Task.Delay(1);
            Interlocked.Decrement(ref _now);
        }

        private void InterlockedMax(int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, value, seen) != seen)
            {
            }
        }
    }

    public void Dispose()
    {
        _deadLetters.Dispose();
        _dirs.Dispose();
    }
}
