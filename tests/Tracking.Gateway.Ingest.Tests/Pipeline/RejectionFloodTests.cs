using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// A junk flood through the ingest stage: log lines limited per reason with one summary of the rest, every message
/// counted, dead-lettered or counted as dropped, and acknowledged.
/// </summary>
public sealed class RejectionFloodTests : IDisposable
{
    private const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "flood-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private static MqttMessage Message(byte[] payload, ushort id) =>
        new(Topic, payload, MqttQos.AtLeastOnce, retain: false, duplicate: false, id, null, null);

    [Fact]
    public async Task A_flood_logs_at_most_LogLines_per_reason_then_one_summary_and_every_message_is_counted()
    {
        var options = new SpoolOptions { Directory = _dir, CommitMaxDelay = TimeSpan.Zero };
        using DiskSpool spool = DiskSpool.Open(options);
        var metrics = new GatewayMetrics();
        var logger = new ListLogger();
        var settings = new DeadLetterOptions { LogLines = 3, MaxFileBytes = 64 * 1024 };
        var channel = Channel.CreateUnbounded<MqttMessage>();
        byte[] junk = new byte[60_000];
        for (int i = 0; i < 500; i++) channel.Writer.TryWrite(Message(junk, (ushort)(i + 1)));
        channel.Writer.TryWrite(Message(Encoding.UTF8.GetBytes("\u00ff not json"), 600));
        channel.Writer.Complete();
        int acknowledged = 0;
        using (var deadLetters = new DeadLetterFile(_dir, settings: settings))
        {
            var stage = new IngestStage(channel.Reader, new CountingAcknowledger(() => acknowledged++), spool, deadLetters, metrics, options,
                strictContainerIds: true, new DuplicateFilter(100, 16), logger, deadLetterOptions: settings);
            await stage.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(501, deadLetters.Count + deadLetters.Dropped);
            Assert.True(deadLetters.Dropped > 0);
        }

        Assert.Equal(500, metrics.Rejected(RejectReason.PayloadTooLarge));
        Assert.True(acknowledged > 0);
        Assert.Equal(3, logger.Lines.Count(l => l.StartsWith("Rejected message on", StringComparison.Ordinal) && l.Contains("payload_too_large")));
        Assert.Single(logger.Lines, l => l.StartsWith("Rejected message on", StringComparison.Ordinal) && !l.Contains("payload_too_large"));
        Assert.Contains(logger.Lines, l => l.StartsWith("Rejected 497 more message(s) as payload_too_large", StringComparison.Ordinal));
    }
}
