using System.Buffers;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>
/// A server that sends broken bytes after CONNACK: the client closes the connection with a clear reason
/// (and, in 5.0, a DISCONNECT naming it), counts it, and neither hangs nor throws into the application.
/// </summary>
public class HostileServerTests
{
    public static TheoryData<string, byte[], MqttReasonCode> HostilePackets => new()
    {
        { "remaining length of five bytes", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], MqttReasonCode.MalformedPacket },
        { "a 200 MB publish", [0x30, 0x80, 0x80, 0x80, 0x60], MqttReasonCode.PacketTooLarge },
        { "topic that is not UTF-8", [0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x41], MqttReasonCode.MalformedPacket },
        { "reserved packet type 0", [0x00, 0x00], MqttReasonCode.MalformedPacket },
        { "a second CONNACK", [0x20, 0x03, 0x00, 0x00, 0x00], MqttReasonCode.ProtocolError },
        { "PINGREQ from a server", [0xC0, 0x00], MqttReasonCode.ProtocolError },
        { "unknown property", [0x30, 0x07, 0x00, 0x01, 0x61, 0x02, 0x7E, 0x00, 0x41], MqttReasonCode.MalformedPacket },
        { "topic alias we never allowed", [0x30, 0x08, 0x00, 0x01, 0x61, 0x03, 0x23, 0x00, 0x01, 0x41], MqttReasonCode.TopicAliasInvalid },
        { "PUBACK with flags", [0x42, 0x02, 0x00, 0x01], MqttReasonCode.MalformedPacket },
    };

    [Theory, MemberData(nameof(HostilePackets))]
    public async Task Malformed_packet_closes_the_connection_with_its_reason(string what, byte[] packet, MqttReasonCode expected)
    {
        await using var broker = new ScriptedBroker();
        var options = Options("127.0.0.1", broker.Port, MqttProtocolVersion.V500);
        options.AutoReconnect = false;
        await using var client = new MqttClient(options);
        var lost = new TaskCompletionSource<MqttDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += e => lost.TrySetResult(e);

        var serverSide = Task.Run(async () =>
        {
            using var c = await broker.AcceptAsync();
            Assert.Equal(MqttPacketType.Connect, (await c.ReadPacketAsync()).Type);
            await c.SendAsync(0x20, 0x03, 0x00, 0x00, 0x00);
            await c.SendAsync(packet);
            return await c.ReadUntilClosedAsync();
        });
        await client.ConnectAsync();

        var e = await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.StartsWith("protocol error", e.Reason);
        Assert.False(e.WillReconnect);
        Assert.Equal(1, client.Counters.ProtocolErrors);
        var sent = await serverSide.WaitAsync(TimeSpan.FromSeconds(15));
        var (type, body) = Assert.Single(sent);
        Assert.Equal(MqttPacketType.Disconnect, type);
        Assert.Equal((byte)expected, body[0]);
        Assert.False(client.IsConnected);
        Assert.False(client.Messages.TryRead(out _), what);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Unacknowledged_publish_is_resent_with_dup_and_the_same_id_after_reconnect(MqttProtocolVersion v)
    {
        await using var broker = new ScriptedBroker();
        var options = Options("127.0.0.1", broker.Port, v, "tag-17");
        options.CleanStart = false;
        options.SessionExpirySeconds = 3600;
        await using var client = new MqttClient(options);
        byte[] ConnAck(bool sessionPresent) => PacketBytes(w => new ConnAckPacket { SessionPresent = sessionPresent }.Write(w, v));

        var script = Task.Run(async () =>
        {
            ushort firstId;
            byte[] firstBody;
            using (var c1 = await broker.AcceptAsync())
            {
                var connect = await c1.ReadPacketAsync();
                Assert.Equal(MqttPacketType.Connect, connect.Type);
                Assert.False(ConnectPacket.Decode(connect.Body, connect.Flags).CleanStart);
                await c1.SendAsync(ConnAck(false));
                var publish = await c1.ReadPacketAsync();
                Assert.Equal(MqttPacketType.Publish, publish.Type);
                Assert.Equal(0, publish.Flags & 0x08); // first delivery: no DUP
                var p = PublishPacket.Decode(publish.Body, publish.Flags, v);
                firstId = p.PacketId;
                firstBody = publish.Body;
                // Drop the connection without PUBACK.
            }
            using var c2 = await broker.AcceptAsync();
            var again = await c2.ReadPacketAsync();
            Assert.False(ConnectPacket.Decode(again.Body, again.Flags).CleanStart);
            await c2.SendAsync(ConnAck(true));
            var resent = await c2.ReadPacketAsync();
            Assert.Equal(MqttPacketType.Publish, resent.Type);
            Assert.Equal(0x08, resent.Flags & 0x08);          // DUP set (§3.3.1.1)
            Assert.Equal(firstBody, resent.Body);             // same packet identifier, topic and payload
            await c2.SendAsync(PacketBytes(w => new PublishAckPacket(MqttPacketType.PubAck, firstId).Write(w, v)));
            await c2.ReadUntilClosedAsync();
        });

        await client.ConnectAsync();
        var result = await client.PublishAsync("tracking/v1/f/MSCU1234565/tag-17/telemetry", Bytes("{\"v\":1}")).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.IsSuccess);
        Assert.Equal(0, client.InflightCount);
        await client.DisconnectAsync();
        await script.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static byte[] PacketBytes(Action<IBufferWriter<byte>> write)
    {
        var b = new ArrayBufferWriter<byte>();
        write(b);
        return b.WrittenSpan.ToArray();
    }
}
