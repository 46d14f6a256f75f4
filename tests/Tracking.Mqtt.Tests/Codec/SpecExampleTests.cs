using System.Buffers;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using static Tracking.Mqtt.Tests.Codec.PacketBytes;

namespace Tracking.Mqtt.Tests.Codec;

/// <summary>The byte examples printed in the MQTT specifications.</summary>
public class SpecExampleTests
{
    // 3.1.1 Table 2.4 / 5.0 §1.5.5: size of the Remaining Length / Variable Byte Integer.
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void Variable_byte_integer(int value, byte[] encoded)
    {
        var span = new byte[4];
        var w = new MqttWireWriter(span);
        w.WriteVariableByteInteger(value);
        Assert.Equal(encoded, span[..w.Written]);
        Assert.Equal(encoded.Length, MqttWire.VariableByteIntegerSize(value));
        var r = new MqttWireReader(encoded);
        Assert.Equal(value, r.ReadVariableByteInteger());
        // As a Remaining Length in a fixed header.
        var header = new byte[] { 0x30 }.Concat(encoded).ToArray();
        Assert.True(MqttFixedHeader.TryRead(new ReadOnlySequence<byte>(header), int.MaxValue, out _, out int head, out int body));
        Assert.Equal(1 + encoded.Length, head);
        Assert.Equal(value, body);
    }

    [Fact]
    public void Utf8_string_example_A_plus_U2A6D4()
    {
        // 3.1.1 Figure 1.1 / 5.0 Figure 1-1: "A𪛔" is 00 05 41 F0 AA 9B 94.
        var expected = new byte[] { 0x00, 0x05, 0x41, 0xF0, 0xAA, 0x9B, 0x94 };
        var buffer = new byte[7];
        var w = new MqttWireWriter(buffer);
        w.WriteString("A\U0002A6D4");
        Assert.Equal(expected, buffer);
        var r = new MqttWireReader(expected);
        Assert.Equal("A\U0002A6D4", r.ReadString());
    }

    [Fact]
    public void Connect_variable_header_example()
    {
        // 3.1.1 Figure 3.6: protocol name, level 4, flags 0xCE (user, password, will QoS 1, will, clean), keep alive 10.
        var bytes = Encode(w => new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311, ClientId = "c", CleanStart = true, KeepAliveSeconds = 10, Username = "u", Password = "p"u8.ToArray(),
            Will = new MqttWill { Topic = "w", Payload = "x"u8.ToArray(), Qos = MqttQos.AtLeastOnce },
        }.Write(w));
        var (_, body) = Split(bytes);
        Assert.Equal(new byte[] { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x04, 0xCE, 0x00, 0x0A }, body[..10]);
    }

    [Fact]
    public void Publish_variable_header_example()
    {
        // 3.1.1 Figure 3.11: topic "a/b", packet identifier 10.
        var bytes = Encode(w => PublishPacket.Write(w, MqttProtocolVersion.V311, "a/b", [], MqttQos.AtLeastOnce, false, false, 10, null));
        Assert.Equal(new byte[] { 0x32, 0x07, 0x00, 0x03, (byte)'a', (byte)'/', (byte)'b', 0x00, 0x0A }, bytes);
    }

    [Fact]
    public void Connect_v5_properties_example()
    {
        // 5.0 Figure 3-5: property length 5, Session Expiry Interval (0x11) of 10 seconds.
        var bytes = Encode(w => new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500, ClientId = "", KeepAliveSeconds = 10,
            Properties = new MqttProperties { SessionExpiryInterval = 10 },
        }.Write(w));
        var (_, body) = Split(bytes);
        Assert.Equal(new byte[] { 0x05, 0x11, 0x00, 0x00, 0x00, 0x0A }, body[10..16]);
    }
}
