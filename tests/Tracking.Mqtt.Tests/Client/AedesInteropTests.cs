using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>The basic flows against a second broker implementation (aedes, MQTT 3.1.1).</summary>
public class AedesInteropTests(AedesFixture aedes) : IClassFixture<AedesFixture>
{
    [Fact]
    public async Task Connect_subscribe_publish_qos0_qos1_and_retained()
    {
        var o = Options(aedes.Server.Host, aedes.Server.Port, MqttProtocolVersion.V311);
        await using var sub = await ConnectAsync(o);
        await using var pub = await ConnectAsync(Options(aedes.Server.Host, aedes.Server.Port, MqttProtocolVersion.V311));
        Assert.Equal(MqttReasonCode.GrantedQos1, Assert.Single(await sub.SubscribeAsync("interop/+/data", MqttQos.AtLeastOnce)));
        for (int i = 0; i < 100; i++) await pub.PublishAsync($"interop/{i % 3}/data", Bytes($"a{i}"), MqttQos.AtLeastOnce);
        await pub.PublishAsync("interop/z/data", Bytes("q0"), MqttQos.AtMostOnce);
        var got = await ReceiveAsync(sub, 101);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"a{i}").Append("q0"), got.Select(m => m.Text()));

        await pub.PublishAsync("interop/retained/data", Bytes("kept"), MqttQos.AtLeastOnce, retain: true);
        await using var late = await ConnectAsync(Options(aedes.Server.Host, aedes.Server.Port, MqttProtocolVersion.V311));
        await late.SubscribeAsync("interop/retained/data");
        var r = Assert.Single(await ReceiveAsync(late, 1));
        Assert.True(r.Retain);
        Assert.Equal("kept", r.Text());
    }

    [Fact]
    public async Task Refused_subscription_is_surfaced_with_its_filter_and_the_granted_ones_still_work()
    {
        await using var c = await ConnectAsync(Options(aedes.Server.Host, aedes.Server.Port, MqttProtocolVersion.V311));
        var ex = await Assert.ThrowsAsync<MqttSubscribeException>(() => c.SubscribeAsync(
            [new Packets.MqttSubscription("denied/#"), new Packets.MqttSubscription("open/#")]));
        var failure = Assert.Single(ex.Failures);
        Assert.Equal("denied/#", failure.Filter);
        Assert.Equal(MqttReasonCode.UnspecifiedError, failure.Code);
        await c.PublishAsync("open/1", Bytes("granted"));
        Assert.Equal("granted", Assert.Single(await ReceiveAsync(c, 1)).Text());
    }
}
