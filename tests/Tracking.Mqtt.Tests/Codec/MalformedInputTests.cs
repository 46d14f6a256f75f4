using System.Buffers;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using static Tracking.Mqtt.Tests.Codec.PacketBytes;

namespace Tracking.Mqtt.Tests.Codec;

public class MalformedInputTests
{
    private static MqttProtocolException Rejects(byte[] packet, MqttProtocolVersion v = MqttProtocolVersion.V500) =>
        Assert.Throws<MqttProtocolException>(() => DecodeAndReencode(packet, v));

    [Fact]
    public void Remaining_length_of_five_bytes_is_rejected_before_buffering()
    {
        var ex = Assert.Throws<MqttProtocolException>(() =>
            MqttFixedHeader.TryRead(new ReadOnlySequence<byte>([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]), int.MaxValue, out _, out _, out _));
        Assert.Contains("four bytes", ex.Message);
    }

    [Fact]
    public void Remaining_length_not_in_shortest_form_is_rejected()
    {
        Assert.Throws<MqttProtocolException>(() =>
            MqttFixedHeader.TryRead(new ReadOnlySequence<byte>([0x30, 0x80, 0x00]), int.MaxValue, out _, out _, out _));
    }

    [Fact]
    public void Packet_over_the_maximum_size_is_rejected_from_its_header_alone()
    {
        // Only the header has arrived; the announced 2 MB must not be waited for or allocated.
        var ex = Assert.Throws<MqttProtocolException>(() =>
            MqttFixedHeader.TryRead(new ReadOnlySequence<byte>([0x30, 0x80, 0x80, 0x80, 0x01]), 1 << 20, out _, out _, out _));
        Assert.Equal(MqttReasonCode.PacketTooLarge, ex.ReasonCode);
    }

    [Fact]
    public void Incomplete_header_asks_for_more()
    {
        Assert.False(MqttFixedHeader.TryRead(new ReadOnlySequence<byte>([0x30, 0x80]), int.MaxValue, out _, out _, out _));
        Assert.False(MqttFixedHeader.TryRead(ReadOnlySequence<byte>.Empty, int.MaxValue, out _, out _, out _));
    }

    [Fact]
    public void Reserved_packet_type_0_is_rejected() =>
        Assert.Throws<MqttProtocolException>(() => MqttFixedHeader.TryRead(new ReadOnlySequence<byte>([0x00, 0x00]), 100, out _, out _, out _));

    [Theory]
    [InlineData(new byte[] { 0x41, 0x02, 0x00, 0x01 })]  // PUBACK with flags 0001
    [InlineData(new byte[] { 0x60, 0x02, 0x00, 0x01 })]  // PUBREL without its 0010 flags
    [InlineData(new byte[] { 0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00 })] // SUBSCRIBE without 0010 flags
    [InlineData(new byte[] { 0xC1, 0x00 })]              // PINGREQ with flags
    public void Wrong_fixed_header_flags(byte[] packet) => Rejects(packet, MqttProtocolVersion.V311);

    [Fact]
    public void Publish_with_qos_3_or_dup_on_qos_0_or_wildcard_or_zero_id()
    {
        Rejects([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]);                   // QoS 3
        Rejects([0x38, 0x04, 0x00, 0x01, 0x61, 0x00], MqttProtocolVersion.V311); // DUP with QoS 0
        Rejects([0x30, 0x04, 0x00, 0x01, 0x23, 0x00]);                          // topic "#"
        Rejects([0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x00], MqttProtocolVersion.V311); // packet id 0
        Rejects([0x30, 0x02, 0x00, 0x00], MqttProtocolVersion.V311);             // empty topic
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]             // overlong encoding
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // encoded surrogate U+D800
    [InlineData(new byte[] { 0x61, 0x00, 0x62 })]       // U+0000
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })]       // truncated sequence
    public void Topic_that_is_not_valid_utf8(byte[] topic)
    {
        var packet = new byte[] { 0x30, (byte)(2 + topic.Length), 0, (byte)topic.Length }.Concat(topic).ToArray();
        Assert.Contains("U", Rejects(packet, MqttProtocolVersion.V311).Message);
    }

    [Fact]
    public void Properties_unknown_repeated_misplaced_or_out_of_range()
    {
        // CONNACK 5.0: flags 0, reason 0, then a property list.
        static byte[] ConnAck(params byte[] props) => new byte[] { 0x20, (byte)(3 + props.Length), 0, 0, (byte)props.Length }.Concat(props).ToArray();
        Rejects(ConnAck(0x7F, 0x00));                                  // unknown identifier
        Rejects(ConnAck(0x24, 0x01, 0x24, 0x00));                      // Maximum QoS twice
        Rejects(ConnAck(0x23, 0x00, 0x05));                            // Topic Alias is not a CONNACK property
        Rejects(ConnAck(0x21, 0x00, 0x00));                            // Receive Maximum 0
        Rejects(ConnAck(0x25, 0x02));                                  // Retain Available 2
        Rejects(ConnAck(0x1F, 0x00, 0x05, 0x61));                      // reason string longer than the list
        Assert.Equal(2, ConnAckPacket.Decode(ConnAck(0x26, 0, 1, 0x61, 0, 1, 0x62, 0x26, 0, 1, 0x61, 0, 1, 0x63).AsSpan(2), 0,
            MqttProtocolVersion.V500).Properties!.UserProperties!.Count); // User Property may repeat
    }

    [Fact]
    public void Trailing_bytes_and_truncation()
    {
        Rejects([0x40, 0x03, 0x00, 0x01, 0x00], MqttProtocolVersion.V311);   // 3.1.1 PUBACK has exactly two bytes
        Rejects([0x40, 0x01, 0x00]);                                         // PUBACK cut inside its packet id
        Rejects([0x90, 0x02, 0x00, 0x01], MqttProtocolVersion.V311);         // SUBACK without return codes
        Rejects([0x90, 0x03, 0x00, 0x01, 0x03], MqttProtocolVersion.V311);   // SUBACK return code 3
        Rejects([0x20, 0x02, 0x02, 0x00], MqttProtocolVersion.V311);         // CONNACK reserved flag
        Rejects([0x20, 0x02, 0x01, 0x05], MqttProtocolVersion.V311);         // session present on a refusal
    }

    [Fact]
    public void Outgoing_names_and_filters_are_checked()
    {
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateName("a/+/b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateName(""));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateName("a\0b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateName("a\uD800b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateFilter("a/#/b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateFilter("a/b#"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateFilter("a/+b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateFilter("$share/g"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateFilter("$share//a"));
        Assert.Throws<ArgumentException>(() => MqttTopic.ValidateFilter("$share/g+/a"));
        MqttTopic.ValidateFilter("$share/gateways/tracking/v1/+/+/+/telemetry");
        MqttTopic.ValidateFilter("#");
        MqttTopic.ValidateFilter("+/x/+");
    }

    [Theory]
    [InlineData("a/b/c", "a/b/c", true)]
    [InlineData("a/+/c", "a/b/c", true)]
    [InlineData("a/#", "a", true)]
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("+", "a/b", false)]
    [InlineData("#", "$SYS/x", false)]
    [InlineData("+/x", "$SYS/x", false)]
    [InlineData("$share/g/a/+", "a/b", true)]
    [InlineData("a/+", "a/", true)]
    [InlineData("a/b", "a/b/c", false)]
    public void Filter_matching(string filter, string topic, bool expected) => Assert.Equal(expected, MqttTopic.Matches(filter, topic));
}
