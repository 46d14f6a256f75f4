using Tracking.Gateway.Ingest.Pipeline;

namespace Tracking.Gateway.Tests.Configuration;

/// <summary>What the gateway subscribes to for a Mqtt:SharedGroup (GatewayService.Subscriptions).</summary>
public sealed class SubscriptionFilterTests
{
    [Fact]
    public void A_group_makes_shared_subscriptions()
    {
        Assert.All(GatewayService.Subscriptions("tracking-gateway"), s => Assert.StartsWith("$share/tracking-gateway/tracking/v1/+/+/+/", s.TopicFilter));
    }

    [Fact]
    public void An_empty_group_or_a_broker_without_shared_subscriptions_makes_plain_ones()
    {
        // plain: what mosquitto 2.0 restores after its restart (tests/Tracking.Chaos.Tests, MosquittoSessionTests)
        string[] plain = ["tracking/v1/+/+/+/telemetry", "tracking/v1/+/+/+/event", "tracking/v1/+/+/+/status"];
        Assert.Equal(plain, GatewayService.Subscriptions("").Select(s => s.TopicFilter));
        Assert.Equal(plain, GatewayService.Subscriptions("tracking-gateway", shared: false).Select(s => s.TopicFilter));
    }
}
