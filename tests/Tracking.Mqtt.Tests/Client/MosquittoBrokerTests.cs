using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>Tests that need a broker of their own: credentials, ACLs, restarts.</summary>
public class MosquittoBrokerTests
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory, MemberData(nameof(Versions))]
    public async Task Credentials_are_checked_and_refusals_are_typed(MqttProtocolVersion v)
    {
        var acl = Path.Combine(Path.GetTempPath(), $"tracking-acl-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(acl, "user ops\ntopic readwrite allowed/#\n");
        try
        {
            await using var server = await MosquittoServer.StartAsync(new MosquittoOptions
            {
                Users = new Dictionary<string, string> { ["ops"] = "right" }, ExtraConfig = [$"acl_file {acl}"],
            });
            var bad = Options(server.Host, server.Port, v);
            bad.Username = "ops";
            bad.Password = Bytes("wrong");
            await using var refused = new MqttClient(bad);
            var ex = await Assert.ThrowsAsync<MqttConnectException>(() => refused.ConnectAsync());
            Assert.Contains(ex.ReasonCode, new[] { MqttReasonCode.BadUserNameOrPassword, MqttReasonCode.NotAuthorized });
            Assert.False(refused.IsConnected);

            var anonymous = Options(server.Host, server.Port, v);
            await using var anon = new MqttClient(anonymous);
            await Assert.ThrowsAsync<MqttConnectException>(() => anon.ConnectAsync());

            var good = Options(server.Host, server.Port, v);
            good.Username = "ops";
            good.Password = Bytes("right");
            await using var client = await ConnectAsync(good);
            Assert.True(client.IsConnected);
            // mosquitto 2.0's ACL file grants any SUBSCRIBE and filters at delivery (SUBACK refusals: AedesInteropTests).
            await client.SubscribeAsync("secret/#");
            await client.SubscribeAsync("allowed/#");
            if (v == MqttProtocolVersion.V500)
            {
                // 5.0 PUBACK carries the refusal: surfaced as a typed publish error.
                var refusedPublish = await Assert.ThrowsAsync<MqttPublishException>(() => client.PublishAsync("secret/x", Bytes("hidden")).AsTask());
                Assert.Equal(MqttReasonCode.NotAuthorized, refusedPublish.ReasonCode);
            }
            else
            {
                await client.PublishAsync("secret/x", Bytes("hidden")); // 3.1.1 has no way to say no: dropped silently
            }
            await client.PublishAsync("allowed/x", Bytes("ok"));
            Assert.Equal("ok", Assert.Single(await ReceiveAsync(client, 1)).Text());
            Assert.Empty(await DrainAsync(client, TimeSpan.FromMilliseconds(300)));
        }
        finally
        {
            File.Delete(acl);
        }
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Broker_restart_in_the_middle_of_a_stream_loses_no_qos1_message(MqttProtocolVersion v)
    {
        await using var server = await MosquittoServer.StartAsync(new MosquittoOptions { ExtraConfig = ["max_queued_messages 0"] });
        const int total = 3000;
        var topic = "stream/" + Guid.NewGuid().ToString("N");

        var subOptions = Options(server.Host, server.Port, v, "sub-" + Guid.NewGuid().ToString("N")[..8]);
        subOptions.CleanStart = false;
        subOptions.SessionExpirySeconds = 600;
        await using var sub = await ConnectAsync(subOptions);
        await sub.SubscribeAsync(topic, MqttQos.AtLeastOnce);

        // A clean-session subscriber too: the broker forgets it on restart, so the client must subscribe again by itself.
        var cleanOptions = Options(server.Host, server.Port, v);
        await using var clean = await ConnectAsync(cleanOptions);
        await clean.SubscribeAsync(topic + "/after", MqttQos.AtLeastOnce);

        var pubOptions = Options(server.Host, server.Port, v);
        pubOptions.MaxInflight = 50;
        await using var pub = await ConnectAsync(pubOptions);

        var received = new HashSet<string>();
        var receiving = Task.Run(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (received.Count < total)
            {
                var m = await sub.Messages.ReadAsync(cts.Token);
                lock (received) received.Add(m.Text());
            }
        });

        var publishing = new List<Task>();
        for (int i = 0; i < total; i++)
        {
            publishing.Add(pub.PublishAsync(topic, Bytes($"n{i}")).AsTask());
            if (i == total / 3)
            {
                await server.StopAsync();      // SIGTERM: mosquitto saves sessions and queues
                await Task.Delay(500);
                await server.StartAgainAsync();
            }
        }
        await Task.WhenAll(publishing).WaitAsync(TimeSpan.FromSeconds(120));
        await receiving.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(total, received.Count);
        Assert.True(pub.Counters.Connects >= 2 && sub.Counters.Connects >= 2, "both clients reconnected");

        await WaitUntilAsync(() => clean.IsConnected, "the clean-session client reconnected");
        await pub.PublishAsync(topic + "/after", Bytes("resubscribed"));
        Assert.Equal("resubscribed", Assert.Single(await ReceiveAsync(clean, 1)).Text());
    }
}
