using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>The client against a real mosquitto 2.0, for both protocol versions.</summary>
public class MosquittoClientTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    private MqttClientOptions Options(MqttProtocolVersion v, string? id = null) =>
        ClientTestKit.Options(broker.Server.Host, broker.Server.Port, v, id);

    private static string Topic(string name) => $"test/{name}/{Guid.NewGuid():N}";

    [Theory, MemberData(nameof(Versions))]
    public async Task Publish_and_subscribe_qos0_and_qos1_in_order(MqttProtocolVersion v)
    {
        var topic = Topic("pubsub");
        await using var sub = await ConnectAsync(Options(v));
        await using var pub = await ConnectAsync(Options(v));
        var granted = await sub.SubscribeAsync(topic + "/#", MqttQos.AtLeastOnce);
        Assert.Equal(MqttReasonCode.GrantedQos1, Assert.Single(granted));

        for (int i = 0; i < 200; i++)
        {
            var result = await pub.PublishAsync(topic + "/q1", Bytes($"m{i}"), MqttQos.AtLeastOnce);
            Assert.True(result.IsSuccess);
        }
        await pub.PublishAsync(topic + "/q0", Bytes("zero"), MqttQos.AtMostOnce);

        var got = await ReceiveAsync(sub, 201);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), got.Take(200).Select(m => m.Text()));
        Assert.All(got.Take(200), m => Assert.Equal(MqttQos.AtLeastOnce, m.Qos));
        Assert.Equal("zero", got[200].Text());
        Assert.Equal(MqttQos.AtMostOnce, got[200].Qos);
        Assert.Equal(topic + "/q0", got[200].Topic);
        Assert.Equal(0, pub.InflightCount);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Qos2_is_delivered_exactly_once(MqttProtocolVersion v)
    {
        var topic = Topic("qos2");
        await using var sub = await ConnectAsync(Options(v));
        await using var pub = await ConnectAsync(Options(v));
        await sub.SubscribeAsync(topic, MqttQos.ExactlyOnce);
        for (int i = 0; i < 50; i++) await pub.PublishAsync(topic, Bytes($"x{i}"), MqttQos.ExactlyOnce);
        var got = await ReceiveAsync(sub, 50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"x{i}"), got.Select(m => m.Text()));
        Assert.Empty(await DrainAsync(sub, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, pub.InflightCount);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Retained_message_reaches_a_later_subscriber_and_can_be_cleared(MqttProtocolVersion v)
    {
        var topic = Topic("retained");
        await using var pub = await ConnectAsync(Options(v));
        await pub.PublishAsync(topic, Bytes("""{"v":1,"online":true}"""), MqttQos.AtLeastOnce, retain: true);

        await using (var late = await ConnectAsync(Options(v)))
        {
            await late.SubscribeAsync(topic);
            var m = Assert.Single(await ReceiveAsync(late, 1));
            Assert.True(m.Retain);
            Assert.Equal("""{"v":1,"online":true}""", m.Text());
        }

        await pub.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true); // §3.3.1.3: empty payload clears
        await using var later = await ConnectAsync(Options(v));
        await later.SubscribeAsync(topic);
        Assert.Empty(await DrainAsync(later, TimeSpan.FromMilliseconds(500)));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Will_message_is_published_when_the_connection_drops_without_disconnect(MqttProtocolVersion v)
    {
        var status = Topic("will");
        await using var watcher = await ConnectAsync(Options(v));
        await watcher.SubscribeAsync(status);

        var options = Options(v);
        options.Will = new MqttWill { Topic = status, Payload = Bytes("""{"v":1,"online":false}"""), Qos = MqttQos.AtLeastOnce };
        var tag = await ConnectAsync(options);
        await tag.PublishAsync(status, Bytes("""{"v":1,"online":true}"""));
        Assert.Equal("""{"v":1,"online":true}""", Assert.Single(await ReceiveAsync(watcher, 1)).Text());

        tag.Abort("simulated crash");
        Assert.Equal("""{"v":1,"online":false}""", Assert.Single(await ReceiveAsync(watcher, 1)).Text());
        await tag.DisposeAsync();

        // A clean DISCONNECT discards the will (§3.1.2.5).
        var polite = await ConnectAsync(options);
        await polite.DisconnectAsync();
        Assert.Empty(await DrainAsync(watcher, TimeSpan.FromMilliseconds(500)));
        await polite.DisposeAsync();
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Persistent_session_redelivers_unacknowledged_messages_after_reconnect(MqttProtocolVersion v)
    {
        var topic = Topic("session");
        var id = "gw-" + Guid.NewGuid().ToString("N")[..8];
        MqttClientOptions Persistent()
        {
            var o = Options(v, id);
            o.CleanStart = false;
            o.SessionExpirySeconds = 600;
            o.ManualAcknowledgement = true;
            return o;
        }
        var first = await ConnectAsync(Persistent());
        await first.SubscribeAsync(topic, MqttQos.AtLeastOnce);
        await using var pub = await ConnectAsync(Options(v));
        for (int i = 0; i < 50; i++) await pub.PublishAsync(topic, Bytes($"r{i}"));

        // mosquitto keeps 20 in flight to us; none of them is acknowledged.
        var unacked = await ReceiveAsync(first, 20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"r{i}"), unacked.Select(m => m.Text()));
        first.Abort("gateway crashed before its spool was durable");
        await first.DisposeAsync();

        var second = await ConnectAsync(Persistent());
        var redelivered = await ReceiveAsync(second, 20);
        Assert.Equal(unacked.Select(m => m.Text()), redelivered.Select(m => m.Text()));
        Assert.All(redelivered, m => Assert.True(m.Duplicate, "a redelivery carries DUP"));
        // An acknowledgement from the dead connection must not be sent on this one.
        await second.AcknowledgeAsync(unacked[0]);
        Assert.Empty(await DrainAsync(second, TimeSpan.FromMilliseconds(300))); // the window is still full: nothing was acked
        await second.AcknowledgeAsync(redelivered.ToArray().AsMemory()); // one write for the batch, like a group commit
        var rest = await ReceiveAsync(second, 30);
        Assert.Equal(Enumerable.Range(20, 30).Select(i => $"r{i}"), rest.Select(m => m.Text()));
        foreach (var m in rest) await second.AcknowledgeAsync(m);
        await second.DisconnectAsync();
        await second.DisposeAsync();

        await using var third = await ConnectAsync(Persistent());
        Assert.Empty(await DrainAsync(third, TimeSpan.FromMilliseconds(700)));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Acknowledgements_written_just_before_a_disconnect_all_reach_the_broker(MqttProtocolVersion v)
    {
        // The race is short (a reset on close dropped what the broker had not read yet), so it is run many times.
        var topic = Topic("ack-then-disconnect");
        var id = "gw-" + Guid.NewGuid().ToString("N")[..8];
        MqttClientOptions Persistent()
        {
            var o = Options(v, id);
            o.CleanStart = false;
            o.SessionExpirySeconds = 600;
            o.ManualAcknowledgement = true;
            return o;
        }

        var subscriber = await ConnectAsync(Persistent());
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce);
        await using var pub = await ConnectAsync(Options(v));
        for (int round = 0; round < 40; round++)
        {
            for (int i = 0; i < 20; i++) await pub.PublishAsync(topic, Bytes($"{round}-{i}"));
            var received = await ReceiveAsync(subscriber, 20);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"{round}-{i}"), received.Select(m => m.Text()));
            foreach (var m in received) await subscriber.AcknowledgeAsync(m);
            await subscriber.DisconnectAsync();
            await subscriber.DisposeAsync();
            subscriber = await ConnectAsync(Persistent());
            Assert.Empty(await DrainAsync(subscriber, TimeSpan.FromMilliseconds(50))); // nothing redelivered
        }

        await subscriber.DisposeAsync();
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Shared_subscription_splits_the_load_between_two_clients(MqttProtocolVersion v)
    {
        var topic = Topic("shared");
        await using var a = await ConnectAsync(Options(v));
        await using var b = await ConnectAsync(Options(v));
        await a.SubscribeAsync($"$share/gateways/{topic}/#");
        await b.SubscribeAsync($"$share/gateways/{topic}/#");
        await using var pub = await ConnectAsync(Options(v));
        for (int i = 0; i < 400; i++) await pub.PublishAsync($"{topic}/c{i % 7}", Bytes($"s{i}"));

        var seen = new List<string>();
        int fromA = 0, fromB = 0;
        await WaitUntilAsync(() =>
        {
            while (a.Messages.TryRead(out var m)) { seen.Add(m.Text()); fromA++; }
            while (b.Messages.TryRead(out var m)) { seen.Add(m.Text()); fromB++; }
            return seen.Count >= 400;
        }, "400 messages arrived across the group");
        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"s{i}").Order(), seen.Order());
        Assert.True(fromA > 50 && fromB > 50, $"load split {fromA}/{fromB}");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Unsubscribe_stops_delivery(MqttProtocolVersion v)
    {
        var topic = Topic("unsub");
        await using var c = await ConnectAsync(Options(v));
        await c.SubscribeAsync(topic);
        await c.PublishAsync(topic, Bytes("one"));
        Assert.Single(await ReceiveAsync(c, 1));
        var codes = await c.UnsubscribeAsync([topic]);
        Assert.Equal(MqttReasonCode.Success, Assert.Single(codes));
        await c.PublishAsync(topic, Bytes("two"));
        Assert.Empty(await DrainAsync(c, TimeSpan.FromMilliseconds(400)));
    }
}
