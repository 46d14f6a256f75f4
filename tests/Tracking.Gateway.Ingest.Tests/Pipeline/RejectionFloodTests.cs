using System.Text;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// A junk flood through the ingest stage: log lines limited per reason with one summary of the rest, every message
/// counted, dead-lettered or counted as dropped, and acknowledged.
/// </summary>
public sealed class RejectionFloodTests
{
    [Fact]
    public async Task A_flood_logs_at_most_LogLines_per_reason_then_one_summary_and_every_message_is_counted()
    {
        using var rig = new IngestRig("flood", commitMaxDelay: TimeSpan.Zero, new DeadLetterOptions { LogLines = 3, MaxFileBytes = 64 * 1024 });
        var logger = new ListLogger();
        byte[] junk = new byte[60_000];
        rig.QueueAndComplete([
            .. Enumerable.Range(1, 500).Select(i => IngestRig.Message(junk, (ushort)i)),
            IngestRig.Message(Encoding.UTF8.GetBytes("\u00ff not json"), 600),
        ]);
        int acknowledged = 0;
        await rig.Stage(new CountingAcknowledger(() => acknowledged++), logger).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(501, rig.DeadLetters.Count + rig.DeadLetters.Dropped);
        Assert.True(rig.DeadLetters.Dropped > 0);
        rig.CloseDeadLetters();

        Assert.Equal(500, rig.Metrics.Rejected(RejectReason.PayloadTooLarge));
        Assert.True(acknowledged > 0);
        Assert.Equal(3, logger.Lines.Count(l => l.StartsWith("Rejected message on", StringComparison.Ordinal) && l.Contains("payload_too_large")));
        Assert.Single(logger.Lines, l => l.StartsWith("Rejected message on", StringComparison.Ordinal) && !l.Contains("payload_too_large"));
        Assert.Contains(logger.Lines, l => l.StartsWith("Rejected 497 more message(s) as payload_too_large", StringComparison.Ordinal));
    }
}
