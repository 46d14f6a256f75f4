using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage with its spool and dead-letter file on a full 1 MiB tmpfs: while the disk refuses the commit nothing
/// is acknowledged (the broker keeps the messages) and the stage stops taking more; once space is back the retried commit
/// works, every message is acknowledged once, in order, and every accepted one is spooled.
/// </summary>
public sealed class FullDiskIngestTests : IDisposable
{
    private const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";
    private readonly FullTmpfs _disk = new();

    public void Dispose() => _disk.Dispose();

    private static MqttMessage Message(string topic, int seq) =>
        new(topic, Encoding.UTF8.GetBytes($$"""{"v":1,"boot":1,"seq":{{seq}},"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}"""),
            MqttQos.AtLeastOnce, retain: false, duplicate: false, (ushort)seq, null, null);

    [Theory]
    [InlineData(256 * 1024, 20)] // the group commit fails
    [InlineData(4096, 50)]       // moving to the next segment fails first: ~170-byte records, ~24 to a segment
    public async Task Nothing_is_acknowledged_while_the_disk_is_full_and_everything_once_space_is_back(int segmentBytes, int batch)
    {
        const int Count = 120;
        string dir = Path.Combine(_disk.Root, "spool");
        var options = new SpoolOptions { Directory = dir, SegmentBytes = segmentBytes, CommitMaxMessages = batch, CommitMaxDelay = TimeSpan.Zero };
        using DiskSpool spool = DiskSpool.Open(options);
        var metrics = new GatewayMetrics();
        var acknowledger = new RecordingAcknowledger();
        var channel = Channel.CreateUnbounded<MqttMessage>();
        for (int seq = 1; seq <= Count; seq++)
        {
            // One refused message (a topic of another version) so that the dead letters share the commit.
            channel.Writer.TryWrite(Message(seq == 7 ? "tracking/v9/fleet-1/CSQU3054383/tag-1/telemetry" : Topic, seq));
        }

        var deadLetters = new DeadLetterFile(dir);
        _disk.Fill();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var stage = new IngestStage(channel.Reader, acknowledger, spool, deadLetters, metrics, options,
            strictContainerIds: true, new DuplicateFilter(100, 16), NullLogger.Instance);
        Task run = stage.RunAsync(stop.Token);

        // The first batch was taken and its commit refused, several times (retries 100, 200, 400 ms ...).
        await Poll.UntilAsync(() => metrics.BackPressureWaits >= 3, "the stage to retry the refused commit", interval: TimeSpan.FromMilliseconds(20));
        Assert.Empty(acknowledger.Ids);
        Assert.True(channel.Reader.Count >= Count - batch, $"{channel.Reader.Count} left: not reading while blocked, the rest stays queued");
        Assert.StartsWith("disk error: ", spool.BlockedReason);
        Assert.Equal(0, spool.PendingRecords);
        Assert.False(run.IsCompleted);

        _disk.Free();
        await Poll.UntilAsync(() => acknowledger.Ids.Count == Count, "every message to be acknowledged", interval: TimeSpan.FromMilliseconds(20));
        channel.Writer.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        deadLetters.Dispose();

        Assert.Equal(Enumerable.Range(1, Count).Select(i => (ushort)i), acknowledger.Ids);
        Assert.Equal(Count - 1, spool.PendingRecords);
        Assert.Equal(Count - 1, metrics.Spooled);
        Assert.Null(spool.BlockedReason);
        Assert.Equal(segmentBytes < Count * 170, spool.CommittedPosition.Segment > 1); // the case is what it says
        using (var reader = spool.CreateReader())
        {
            var topics = new List<string>();
            while (reader.Read(1000, topics, static (r, _, list) => list.Add(Encoding.UTF8.GetString(r))) > 0) { }
            Assert.Equal(Count - 1, topics.Count);
            for (int i = 0; i < topics.Count; i++)
            {
                int seq = i < 6 ? i + 1 : i + 2;
                Assert.Contains($"\"seq\":{seq},", topics[i]);
            }
        }

        string letter = Assert.Single(File.ReadAllLines(deadLetters.Path));
        using JsonDocument json = JsonDocument.Parse(letter);
        Assert.StartsWith("tracking/v9/", json.RootElement.GetProperty("topic").GetString());
    }

}
