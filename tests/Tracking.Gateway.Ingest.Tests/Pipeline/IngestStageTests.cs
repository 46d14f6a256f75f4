using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage with a real spool and dead-letter file but no broker: a message whose handling throws (a decoder bug)
/// is dead-lettered as stage_fault and acknowledged with the others, and the stage goes on with the next message.
/// </summary>
public sealed class IngestStageTests : IDisposable
{
    private const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "ingest-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Telemetry(int seq) =>
        $$"""{"v":1,"boot":1,"seq":{{seq}},"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}""";

    private static MqttMessage Message(string payload, ushort id) =>
        new(Topic, Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce, retain: false, duplicate: false, id, null, null);

    [Fact]
    public async Task A_message_whose_handling_throws_is_dead_lettered_acknowledged_and_the_stage_goes_on()
    {
        var options = new SpoolOptions { Directory = _dir, CommitMaxDelay = TimeSpan.Zero };
        using DiskSpool spool = DiskSpool.Open(options);
        var metrics = new GatewayMetrics();
        var acknowledged = new List<ushort>();
        var channel = Channel.CreateUnbounded<MqttMessage>();
        channel.Writer.TryWrite(Message(Telemetry(1), 1));
        channel.Writer.TryWrite(Message(Telemetry(2) + " ", 2)); // the payload the faulty decoder cannot take
        channel.Writer.TryWrite(Message(Telemetry(3), 3));
        channel.Writer.Complete();

        using (var deadLetters = new DeadLetterFile(_dir))
        {
            var stage = new IngestStage(channel.Reader, new ListAcknowledger(acknowledged), spool, deadLetters, metrics, options,
                strictContainerIds: true, new DuplicateFilter(100, 16), NullLogger.Instance, decoder: new ThrowsOnTrailingSpace());
            await stage.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal([1, 2, 3], acknowledged); // nothing left for the broker to redeliver
        Assert.Equal(2, spool.PendingRecords);
        Assert.Equal(2, metrics.Spooled);
        Assert.Equal(1, metrics.Rejected(RejectReason.StageFault));
        string line = Assert.Single(File.ReadAllLines(Path.Combine(_dir, DeadLetterFile.FileName)));
        using JsonDocument letter = JsonDocument.Parse(line);
        Assert.Equal("stage_fault", letter.RootElement.GetProperty("reason").GetString());
        Assert.Contains("InvalidOperationException: decoder bug", letter.RootElement.GetProperty("detail").GetString());
        Assert.Equal(Topic, letter.RootElement.GetProperty("topic").GetString());
    }
}
