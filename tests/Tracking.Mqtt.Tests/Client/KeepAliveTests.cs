using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

public class KeepAliveTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task A_silent_broker_is_detected_by_keep_alive_and_the_client_reconnects(MqttProtocolVersion v)
    {
        await using var proxy = new TcpProxy(broker.Server.Port);
        var options = Options(proxy.Host, proxy.Port, v);
        options.KeepAlive = TimeSpan.FromSeconds(1);
        // A PINGRESP may take more than a second while the whole suite (a Release build among it) shares 2 cores;
        // a frozen broker is still detected within KeepAlive + KeepAliveTimeout, well inside the 15 s below.
        options.KeepAliveTimeout = TimeSpan.FromSeconds(3);
        await using var client = new MqttClient(options);
        var lost = new TaskCompletionSource<MqttDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += e => lost.TrySetResult(e);
        await client.ConnectAsync();
        var topic = "ka/" + Guid.NewGuid().ToString("N");
        await client.SubscribeAsync(topic);

        // Idle well past the keep-alive: pings keep it up.
        await Task.Delay(2500);
        Assert.True(client.IsConnected);
        Assert.False(lost.Task.IsCompleted);

        proxy.Freeze(); // the TCP connection stays open, nothing comes back: only keep-alive can tell
        var e = await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains("keep-alive", e.Reason);
        Assert.True(e.WillReconnect);

        await WaitUntilAsync(() => client.IsConnected, "the client reconnected through the proxy");
        await client.PublishAsync(topic, Bytes("alive"));
        Assert.Equal("alive", Assert.Single(await ReceiveAsync(client, 1)).Text());
    }
}
