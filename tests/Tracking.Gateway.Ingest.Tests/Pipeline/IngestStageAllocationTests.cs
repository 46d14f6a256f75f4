using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// What the ingest stage allocates per message on a warm path (issue 11: no per-message allocation on hot paths),
/// measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>: every message is queued before the run and the group
/// commit has no delay, so the whole run completes on the test's thread (checked). Two runs of different lengths, each on a
/// new stage over the same warm spool and duplicate filter, cancel what a stage and a run cost once; the difference divided
/// by the extra messages is the per-message figure. The payloads are pooled as the MQTT client's are (<see cref="MqttClientOptions.PooledPayloads"/>).
/// </summary>
public sealed class IngestStageAllocationTests
{
    private const int Tags = 10;

    [Fact]
    public void A_warm_stage_spools_and_acknowledges_messages_without_allocating_per_message()
    {
        var pool = new CountingPool();
        using var rig = new IngestRig("ingest-alloc", commitMaxDelay: TimeSpan.Zero);
        var duplicates = new DuplicateFilter(100, 16);
        Run(rig, duplicates, pool, first: 1, count: 2_200); // warm-up: JIT, the spool's append buffer, the dedupe index's tags
        long small = Run(rig, duplicates, pool, first: 10_000, count: 200);
        long large = Run(rig, duplicates, pool, first: 20_000, count: 2_200);

        double perMessage = (large - small) / 2_000.0;
        // About 0; the bound leaves room for a rare amortised growth, not for an object per message (>= 24 B).
        Assert.True(perMessage < 8, $"{perMessage:0.0} bytes allocated per message ({small} B for 200, {large} B for 2,200)");
    }

    [Fact]
    public void Every_pooled_payload_goes_back_once_after_its_record_is_spooled()
    {
        var pool = new CountingPool();
        using var rig = new IngestRig("ingest-pooled", commitMaxDelay: TimeSpan.Zero);
        MqttMessage[] messages = Messages(pool, first: 1, count: 100);
        // One refused message too: its dead letter copies the payload, then it goes back like the others.
        byte[] bad = "{\"v\":1,\"boot\":1}"u8.ToArray();
        rig.QueueAndComplete([.. messages, Pooled(Rent(pool, bad), bad.Length, "tag-1", 101, pool)]);
        int acknowledged = 0;

        Assert.True(rig.Stage(new CountingAcknowledger(() => acknowledged++)).RunAsync(CancellationToken.None).IsCompletedSuccessfully);
        rig.CloseDeadLetters();

        Assert.Equal(101, acknowledged);
        Assert.Equal(101, pool.Returned);
        Assert.Equal(100, rig.Spool.PendingRecords);
        Assert.Single(File.ReadAllLines(rig.DeadLetterPath));
        // The spooled copies are intact although the arrays went back (the pool could have handed them out again).
        using SpoolReader reader = rig.Spool.CreateReader();
        var seqs = new List<long>();
        var decoder = new SpoolRecordDecoder(strictContainerIds: true);
        while (reader.Read(1_000, seqs, (record, next, list) =>
        {
            Assert.True(decoder.TryDecode(record, out _, out _, out _, out ReadOnlySpan<byte> payload, out _));
            list.Add(decoder.Message.Seq);
            Assert.Contains($"\"seq\":{decoder.Message.Seq},", Encoding.UTF8.GetString(payload));
        }) > 0)
        {
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), seqs);
    }

    /// <summary>
    /// Bytes the test thread allocated while a new stage took <paramref name="count"/> queued messages into the rig's spool
    /// (warm from the runs before: its append buffer already as large as a group commit needs).
    /// </summary>
    private static long Run(IngestRig rig, DuplicateFilter duplicates, CountingPool pool, int first, int count)
    {
        var channel = Channel.CreateUnbounded<MqttMessage>();
        foreach (MqttMessage m in Messages(pool, first, count)) channel.Writer.TryWrite(m);
        channel.Writer.Complete();
        int acknowledged = 0;
        long spooled = rig.Metrics.Spooled;
        var stage = new IngestStage(channel.Reader, new CountingAcknowledger(() => acknowledged++), rig.Spool, rig.DeadLetters,
            rig.Metrics, rig.Options, strictContainerIds: true, duplicates, NullLogger.Instance);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Task run = stage.RunAsync(CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(run.IsCompletedSuccessfully, "the run must complete on this thread, or the figure misses part of it");
        Assert.Equal(count, acknowledged);
        Assert.Equal(count, rig.Metrics.Spooled - spooled);
        return allocated;
    }

    private static MqttMessage[] Messages(CountingPool pool, int first, int count)
    {
        var messages = new MqttMessage[count];
        for (int i = 0; i < count; i++)
        {
            int seq = first + i;
            byte[] payload = Rent(pool, Encoding.UTF8.GetBytes(IngestRig.Telemetry(seq)));
            messages[i] = Pooled(payload, IngestRig.Telemetry(seq).Length, $"tag-{seq % Tags}", (ushort)(1 + (i % 60_000)), pool);
        }

        return messages;
    }

    private static byte[] Rent(CountingPool pool, ReadOnlySpan<byte> bytes)
    {
        byte[] array = pool.Rent(bytes.Length);
        bytes.CopyTo(array);
        return array;
    }

    private static MqttMessage Pooled(byte[] array, int length, string tag, ushort id, CountingPool pool) =>
        new($"tracking/v1/fleet-1/CSQU3054383/{tag}/telemetry", array.AsMemory(0, length), MqttQos.AtLeastOnce, retain: false,
            duplicate: false, id, properties: null, connection: null, pool);

    /// <summary>Hands out new arrays (made before the measured part) and counts what comes back; keeps nothing.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        public int Returned { get; private set; }

        public override byte[] Rent(int minimumLength) => new byte[minimumLength + 8]; // longer than asked, as pools are

        public override void Return(byte[] array, bool clearArray = false) => Returned++;
    }
}
