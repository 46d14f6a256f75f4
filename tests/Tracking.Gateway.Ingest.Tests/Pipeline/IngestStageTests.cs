using System.Text.Json;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage with a real spool and dead-letter file but no broker: a message whose handling throws (a decoder bug)
/// is dead-lettered as stage_fault and acknowledged with the others, and the stage goes on with the next message.
/// </summary>
public sealed class IngestStageTests
{
    [Fact]
    public async Task A_message_whose_handling_throws_is_dead_lettered_acknowledged_and_the_stage_goes_on()
    {
        using var rig = new IngestRig("ingest", commitMaxDelay: TimeSpan.Zero);
        var acknowledged = new List<ushort>();
        rig.QueueAndComplete([
            IngestRig.Message(IngestRig.Telemetry(1), 1),
            IngestRig.Message(IngestRig.Telemetry(2) + " ", 2), // the payload the faulty decoder cannot take
            IngestRig.Message(IngestRig.Telemetry(3), 3),
        ]);

        await rig.Stage(new ListAcknowledger(acknowledged), decoder: new ThrowsOnTrailingSpace())
            .RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        rig.CloseDeadLetters();

        Assert.Equal([1, 2, 3], acknowledged); // nothing left for the broker to redeliver
        Assert.Equal(2, rig.Spool.PendingRecords);
        Assert.Equal(2, rig.Metrics.Spooled);
        Assert.Equal(1, rig.Metrics.Rejected(RejectReason.StageFault));
        string line = Assert.Single(File.ReadAllLines(rig.DeadLetterPath));
        using JsonDocument letter = JsonDocument.Parse(line);
        Assert.Equal("stage_fault", letter.RootElement.GetProperty("reason").GetString());
        Assert.Contains("InvalidOperationException: decoder bug", letter.RootElement.GetProperty("detail").GetString());
        Assert.Equal(IngestRig.Topic, letter.RootElement.GetProperty("topic").GetString());
    }
}
