using System.Text;
using System.Text.Json;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage's per-tag rate limit and its check of the MQTT 5 sender property: what is refused is dead-lettered
/// with its reason and acknowledged with the rest, what is accepted is spooled, nothing is dropped.
/// </summary>
public sealed class IngestStageSecurityTests
{
    private static string Topic(string tag) => $"tracking/v1/fleet-1/CSQU3054383/{tag}/telemetry";

    private static MqttMessage Message(string tag, int seq, ushort id, string? sender = null) =>
        IngestRig.Message(IngestRig.Telemetry(seq), id, tag,
            sender is null ? null : new MqttProperties { UserProperties = [new MqttUserProperty(IngestStage.SenderProperty, sender)] });

    private static async Task<(GatewayMetrics Metrics, List<ushort> Acknowledged, List<JsonElement> Letters, ListLogger Log)> RunAsync(
        IEnumerable<MqttMessage> messages, TagRateLimiter? limiter = null)
    {
        using var rig = new IngestRig("ingest-sec", commitMaxDelay: TimeSpan.Zero);
        var acknowledged = new List<ushort>();
        var log = new ListLogger();
        rig.QueueAndComplete(messages);
        await rig.Stage(new ListAcknowledger(acknowledged), log, rateLimiter: limiter, duplicatesPerTag: 64)
            .RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        rig.CloseDeadLetters();

        List<JsonElement> letters = File.Exists(rig.DeadLetterPath)
            ? File.ReadAllLines(rig.DeadLetterPath).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList()
            : [];
        return (rig.Metrics, acknowledged, letters, log);
    }

    [Fact]
    public async Task A_flooding_tag_is_dead_lettered_past_its_burst_while_the_others_are_all_stored_and_everything_is_acknowledged()
    {
        var clock = new ManualTimeProvider(); // no refill during the run: exactly the burst gets through
        var limiter = new TagRateLimiter(new TagRateLimitOptions { MessagesPerSecond = 1, Burst = 10 }, clock);
        var messages = new List<MqttMessage>();
        ushort id = 0;
        for (int i = 0; i < 100; i++)
        {
            messages.Add(Message("flood", i, ++id));
            if (i % 10 == 0) messages.Add(Message($"calm-{i / 10}", 1, ++id));
        }

        var (metrics, acknowledged, letters, log) = await RunAsync(messages, limiter);

        Assert.Equal(messages.Select(m => m.PacketId), acknowledged);
        Assert.Equal(10 + 10, metrics.Spooled); // the flooder's burst and every calm tag's message
        Assert.Equal(90, metrics.Rejected(RejectReason.RateLimited));
        Assert.Equal(90, letters.Count);
        Assert.All(letters, l => Assert.Equal(("rate_limited", Topic("flood")), (l.GetProperty("reason").GetString(), l.GetProperty("topic").GetString())));
        Assert.Equal(1, metrics.ThrottleEpisodes);
        Assert.Equal(1, metrics.ThrottledTags);
        Assert.Single(log.Lines, l => l.StartsWith("Tag fleet-1/CSQU3054383/flood is over its rate limit", StringComparison.Ordinal));
        var prometheus = new StringBuilder();
        metrics.WritePrometheus(prometheus, new GatewayMetrics.Gauges(true, 0, 0, 0, false, 0));
        Assert.Contains("tracking_gateway_messages_rejected_total{reason=\"rate_limited\"} 90\n", prometheus.ToString(), StringComparison.Ordinal);
        Assert.Contains("tracking_gateway_tags_throttled 1\n", prometheus.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_whose_sender_property_names_another_tag_is_dead_lettered_and_a_matching_or_absent_one_is_stored()
    {
        var (metrics, acknowledged, letters, _) = await RunAsync(
        [
            Message("tag-1", 1, 1, sender: "fleet-1/CSQU3054383/tag-1"),
            Message("tag-1", 2, 2, sender: "fleet-1/CSQU3054383/tag-2"),
            Message("tag-1", 3, 3, sender: "fleet-1/CSQU3054383/tag-1/"),
            Message("tag-1", 4, 4),
        ]);

        Assert.Equal([1, 2, 3, 4], acknowledged);
        Assert.Equal(2, metrics.Spooled);
        Assert.Equal(2, metrics.Rejected(RejectReason.SenderMismatch));
        Assert.All(letters, l => Assert.Equal("sender_mismatch", l.GetProperty("reason").GetString()));
        Assert.Contains("fleet-1/CSQU3054383/tag-2", letters[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_message_does_not_spend_the_real_tags_tokens()
    {
        var limiter = new TagRateLimiter(new TagRateLimitOptions { MessagesPerSecond = 1, Burst = 2 }, new ManualTimeProvider());
        var (metrics, _, _, _) = await RunAsync(
        [
            Message("tag-1", 1, 1, sender: "fleet-1/CSQU3054383/evil"),
            Message("tag-1", 2, 2, sender: "fleet-1/CSQU3054383/evil"),
            Message("tag-1", 3, 3),
            Message("tag-1", 4, 4),
        ], limiter);

        Assert.Equal(2, metrics.Spooled);
        Assert.Equal(0, metrics.Rejected(RejectReason.RateLimited));
    }
}
