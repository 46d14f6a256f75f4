using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Testing;
using static Tracking.Gateway.Ingest.Tests.Consumers.ConsumerSpoolRig;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// Consumer stages sharing a <see cref="DecodedBatchRing"/>: a record is decoded once for all of them, and every
/// consumer still gets every message once, in order, from its own position: when it is slow, when it is behind what
/// the ring holds, and when it restarts at a checkpoint in the middle of a batch another stage decoded.
/// </summary>
public sealed class DecodedBatchRingTests : IDisposable
{
    private readonly ConsumerSpoolRig _rig = new("ring", "rules", "live");

    public void Dispose() => _rig.Dispose();

    /// <summary>Runs a stage until its reader has confirmed everything spooled, then stops it.</summary>
    private static async Task RunUntilCaughtUp(DiskSpool spool, ConsumerStage stage, string reader)
    {
        using var stop = new CancellationTokenSource();
        Task running = stage.RunAsync(stop.Token);
        await Poll.UntilAsync(() => spool.PendingRecordsOf(reader) == 0, reader + " confirmed everything");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    private static void AssertSeqs(int from, int count, IReadOnlyList<TagMessage> messages)
    {
        Assert.Equal(Enumerable.Range(from, count).Select(i => (long)i * 2), messages.Select(m => m.Seq));
        foreach (TagMessage m in messages)
        {
            long i = m.Seq / 2;
            Assert.Equal(("acme", "CSQU3054383", "tag-1"), (m.Fleet, m.Container, m.Tag));
            Assert.Equal(1_732_600_000_000L + (i * 600_000L), m.TimeMs);
            Assert.Equal(2, m.Readings.Length);
            Assert.Equal((i % 80) + 0.25, m.Readings[1].TemperatureC);
        }
    }

    [Fact]
    public async Task A_second_consumer_at_the_tail_takes_every_record_from_the_ring_without_decoding_it()
    {
        using var spool = _rig.Open();
        var ring = new DecodedBatchRing();
        var rules = new RecordingConsumer("rules");
        var live = new RecordingConsumer("live");
        var first = new ConsumerStage(spool, rules, strictContainerIds: true, NullLogger.Instance, ring: ring);
        var second = new ConsumerStage(spool, live, strictContainerIds: true, NullLogger.Instance, ring: ring);
        Spool(spool, 0, 600);

        await RunUntilCaughtUp(spool, first, "rules");
        await RunUntilCaughtUp(spool, second, "live");

        Assert.Equal((600L, 0L), (first.DecodedRecords, first.SharedRecords));
        Assert.Equal((0L, 600L), (second.DecodedRecords, second.SharedRecords));
        AssertSeqs(0, 600, live.Messages);
        // The very same immutable messages, not copies.
        Assert.All(Enumerable.Range(0, 600), i => Assert.Same(rules.Messages[i], live.Messages[i]));
        Assert.Equal(600, spool.PendingRecordsOf(DiskSpool.WriterReader)); // each reader confirms only its own
    }

    [Fact]
    public async Task A_consumer_after_the_ring_s_small_batches_takes_them_together_up_to_the_batch_limit()
    {
        using var spool = _rig.Open();
        var ring = new DecodedBatchRing();
        var rules = new RecordingConsumer("rules");
        var live = new RecordingConsumer("live");
        // The first stage decodes ten group commits of 30 records as they come: ten batches of 30 in the ring.
        for (int commit = 0; commit < 10; commit++)
        {
            Spool(spool, commit * 30, 30);
            await RunUntilCaughtUp(spool, new ConsumerStage(spool, rules, strictContainerIds: true, NullLogger.Instance, ring: ring), "rules");
        }
        Assert.Equal(10, rules.Calls);

        var second = new ConsumerStage(spool, live, strictContainerIds: true, NullLogger.Instance, ring: ring);
        await RunUntilCaughtUp(spool, second, "live");

        AssertSeqs(0, 300, live.Messages);
        Assert.Equal((0L, 300L), (second.DecodedRecords, second.SharedRecords));
        // Eight of the ring's batches (240 records; a ninth would pass 256), then the last two: two hand-overs, not ten.
        Assert.Equal(2, live.Calls);
    }

    [Fact]
    public async Task A_consumer_s_own_MaxBatch_sizes_its_hand_overs_whoever_decoded_the_records()
    {
        using var spool = _rig.Open();
        var ring = new DecodedBatchRing();
        // The rules take up to 1,000 at once; the live view the stage's 256.
        var rules = new RecordingConsumer("rules") { MaxBatch = 1_000 };
        var live = new RecordingConsumer("live");
        Spool(spool, 0, 1_000); // one commit

        var first = new ConsumerStage(spool, rules, strictContainerIds: true, NullLogger.Instance, ring: ring);
        await RunUntilCaughtUp(spool, first, "rules");
        var second = new ConsumerStage(spool, live, strictContainerIds: true, NullLogger.Instance, ring: ring);
        await RunUntilCaughtUp(spool, second, "live");

        // One hand-over of the 1,000 the first stage read and decoded; the ring's batch of 1,000 is split for the second.
        Assert.Equal([1_000], rules.BatchSizes);
        Assert.Equal((1_000L, 0L), (first.DecodedRecords, first.SharedRecords));
        Assert.Equal([256, 256, 256, 232], live.BatchSizes);
        Assert.Equal((0L, 1_000L), (second.DecodedRecords, second.SharedRecords));
        AssertSeqs(0, 1_000, rules.Messages);
        AssertSeqs(0, 1_000, live.Messages);
    }

    [Fact]
    public async Task A_consumer_behind_the_ring_reads_the_spool_itself_and_misses_nothing()
    {
        using var spool = _rig.Open();
        var ring = new DecodedBatchRing(records: 2 * ConsumerStage.MaxBatch);
        var rules = new RecordingConsumer("rules");
        var live = new RecordingConsumer("live");
        var first = new ConsumerStage(spool, rules, strictContainerIds: true, NullLogger.Instance, ring: ring);
        var second = new ConsumerStage(spool, live, strictContainerIds: true, NullLogger.Instance, ring: ring);
        Spool(spool, 0, 2_000); // 8 batches of 256 at most; the ring keeps the last 2

        await RunUntilCaughtUp(spool, first, "rules");
        await RunUntilCaughtUp(spool, second, "live");

        AssertSeqs(0, 2_000, live.Messages);
        Assert.Equal(2_000, second.DecodedRecords + second.SharedRecords);
        Assert.True(second.DecodedRecords >= 2_000 - (2 * ConsumerStage.MaxBatch), $"decoded {second.DecodedRecords}");
        Assert.True(second.SharedRecords > 0, "caught up with the ring at the end");
    }

    [Fact]
    public async Task A_restart_inside_a_batch_another_consumer_decoded_resumes_at_its_own_record()
    {
        var live = new RecordingConsumer("live");
        var rulesBefore = new RecordingConsumer("rules");
        var rulesAfter = new RecordingConsumer("rules");
        using (var spool = _rig.Open())
        {
            Spool(spool, 0, 100);
            await RunUntilCaughtUp(spool, new ConsumerStage(spool, rulesBefore, strictContainerIds: true, NullLogger.Instance), "rules");
        }

        // The restart: one ring for the new process; "live" decodes from 0, "rules" resumes after record 100.
        using (var spool = _rig.Open())
        {
            Spool(spool, 100, 300);
            var ring = new DecodedBatchRing();
            var liveStage = new ConsumerStage(spool, live, strictContainerIds: true, NullLogger.Instance, ring: ring);
            var rulesStage = new ConsumerStage(spool, rulesAfter, strictContainerIds: true, NullLogger.Instance, ring: ring);
            await RunUntilCaughtUp(spool, liveStage, "live");
            await RunUntilCaughtUp(spool, rulesStage, "rules");
            Assert.Equal((0L, 300L), (rulesStage.DecodedRecords, rulesStage.SharedRecords));
        }

        AssertSeqs(0, 100, rulesBefore.Messages);
        AssertSeqs(100, 300, rulesAfter.Messages);
        AssertSeqs(0, 400, live.Messages);
    }

    [Fact]
    public async Task A_stuck_consumer_gets_everything_in_order_once_it_moves_again()
    {
        using var spool = _rig.Open();
        var ring = new DecodedBatchRing(records: 4 * ConsumerStage.MaxBatch);
        var slow = new RecordingConsumer("rules") { Gate = new TaskCompletionSource() };
        var fast = new RecordingConsumer("live");
        using var stop = new CancellationTokenSource();
        var slowStage = new ConsumerStage(spool, slow, strictContainerIds: true, NullLogger.Instance, ring: ring);
        var fastStage = new ConsumerStage(spool, fast, strictContainerIds: true, NullLogger.Instance, ring: ring);
        Task running = Task.WhenAll(slowStage.RunAsync(stop.Token), fastStage.RunAsync(stop.Token));

        for (int i = 0; i < 30; i++) Spool(spool, i * 100, 100); // 30 commits while the slow one hangs on its first batch
        await Poll.UntilAsync(() => spool.PendingRecordsOf("live") == 0, "the fast consumer confirmed everything");
        Assert.True(spool.PendingRecordsOf("rules") >= 2_900, "the slow one is stuck");

        slow.Gate.SetResult();
        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the slow consumer caught up");
        AssertSeqs(0, 3_000, slow.Messages);
        AssertSeqs(0, 3_000, fast.Messages);
        Assert.Equal(3_000, slowStage.DecodedRecords + slowStage.SharedRecords);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public void The_ring_holds_small_batches_up_to_its_records_and_finds_each_of_their_records()
    {
        // 50 batches of 3 records, as group commits under load make them; the ring holds 100 records: the newest 33.
        var ring = new DecodedBatchRing(records: 100);
        DecodedBatch[] batches = [.. Enumerable.Range(0, 50).Select(i => new DecodedBatch(new SpoolPosition(1, i * 30),
            [new(1, (i * 30) + 10), new(1, (i * 30) + 20), new(1, (i * 30) + 30)], [null, null, null]))];
        foreach (DecodedBatch batch in batches) Assert.True(ring.Add(batch));

        for (int i = 0; i < 50; i++)
        {
            for (int r = 0; r < 3; r++)
            {
                bool held = ring.TryFind(new SpoolPosition(1, (i * 30) + (r * 10)), out DecodedBatch found, out int index);
                Assert.Equal(i >= 17, held);
                if (held) Assert.Equal((batches[i], r), (found, index));
            }
            Assert.False(ring.TryFind(new SpoolPosition(1, (i * 30) + 5), out _, out _)); // inside a record
        }
        Assert.False(ring.TryFind(new SpoolPosition(1, 1_500), out _, out _)); // after the newest
    }

    [Fact]
    public void A_batch_finds_each_record_by_its_start_and_no_other_position()
    {
        var ends = new SpoolPosition[] { new(1, 10), new(1, 25), new(2, 7) };
        var batch = new DecodedBatch(new SpoolPosition(1, 0), ends, [null, null, null]);
        Assert.Equal(0, batch.IndexAt(new SpoolPosition(1, 0)));
        Assert.Equal(1, batch.IndexAt(new SpoolPosition(1, 10)));
        Assert.Equal(2, batch.IndexAt(new SpoolPosition(1, 25)));
        Assert.Equal(-1, batch.IndexAt(new SpoolPosition(1, 11))); // inside a record
        Assert.Equal(-1, batch.IndexAt(new SpoolPosition(2, 7))); // the end: no record of this batch starts there
        Assert.Equal(new SpoolPosition(2, 7), batch.End);

        var ring = new DecodedBatchRing(records: 3);
        ring.Add(batch);
        Assert.True(ring.TryFind(new SpoolPosition(1, 10), out DecodedBatch found, out int index));
        Assert.Same(batch, found);
        Assert.Equal(1, index);
        // A batch that does not reach past the newest held (a stage behind the ring decoded it) is not kept.
        Assert.False(ring.Add(new DecodedBatch(new SpoolPosition(0, 0), [new SpoolPosition(1, 0)], [null])));
        Assert.True(ring.TryFind(new SpoolPosition(1, 10), out _, out _));
        Assert.True(ring.Add(new DecodedBatch(new SpoolPosition(2, 7), [new SpoolPosition(2, 20)], [null])));
        Assert.False(ring.TryFind(new SpoolPosition(1, 10), out _, out _)); // the oldest made room
    }

    [Fact]
    public void A_batch_within_one_segment_finds_its_records_and_costs_12_bytes_a_record()
    {
        // As a consumer stage makes one (issue 11): from its reused list of ends and a copy of its list of messages.
        var ends = new List<SpoolPosition>(ConsumerStage.MaxBatch);
        var messages = new List<TagMessage?>(ConsumerStage.MaxBatch);
        for (int i = 1; i <= ConsumerStage.MaxBatch; i++)
        {
            ends.Add(new SpoolPosition(7, 1_000 + (i * 40)));
            messages.Add(null);
        }
        var start = new SpoolPosition(7, 1_000);
        _ = new DecodedBatch(start, ends, [.. messages]); // JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        var batch = new DecodedBatch(start, ends, [.. messages]);
        double perRecord = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)ConsumerStage.MaxBatch;

        // 8 B a message reference and 4 B an end offset; with a 16-byte position per end it was 24 B.
        Assert.True(perRecord < 14, $"{perRecord:0.0} B allocated per record");
        Assert.Equal(new SpoolPosition(7, 1_000 + (ConsumerStage.MaxBatch * 40)), batch.End);
        Assert.Equal(ConsumerStage.MaxBatch, batch.Count);
        for (int i = 0; i < ConsumerStage.MaxBatch; i++)
        {
            Assert.Equal(ends[i], batch.EndOf(i));
            Assert.Equal(i, batch.IndexAt(i == 0 ? start : ends[i - 1]));
        }
        Assert.Equal(-1, batch.IndexAt(new SpoolPosition(7, 1_020)));            // inside a record
        Assert.Equal(-1, batch.IndexAt(new SpoolPosition(8, 1_040)));            // another segment, the same offset
        Assert.Equal(-1, batch.IndexAt(new SpoolPosition(7, 1_040 + (1L << 32)))); // an offset past 32 bits, not wrapped
        Assert.Equal(-1, batch.IndexAt(batch.End));
    }
}
