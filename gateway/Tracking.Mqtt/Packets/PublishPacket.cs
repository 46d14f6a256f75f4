using System.Buffers;
using System.Text;

namespace Tracking.Mqtt.Packets;

/// <summary>
/// PUBLISH (§3.3), decoded as views into the receive buffer so that the hot path allocates nothing until
/// the application's message is built.
/// </summary>
public readonly ref struct PublishPacket
{
    public ReadOnlySpan<byte> TopicUtf8 { get; init; }
    public ReadOnlySpan<byte> Payload { get; init; }
    public MqttQos Qos { get; init; }
    public bool Retain { get; init; }
    public bool Duplicate { get; init; }
    public ushort PacketId { get; init; }
    public MqttProperties? Properties { get; init; }

    public string Topic => Encoding.UTF8.GetString(TopicUtf8);

    public static byte FirstByte(MqttQos qos, bool retain, bool duplicate) =>
        (byte)(((int)MqttPacketType.Publish << 4) | (duplicate ? 0x08 : 0) | ((int)qos << 1) | (retain ? 1 : 0));

    /// <summary>The bit to set on a stored packet's first byte when it is sent again (§3.3.1.1).</summary>
    public const byte DuplicateFlag = 0x08;

    public static int GetSize(int topicUtf8Length, MqttQos qos, MqttProperties? properties, int payloadLength, MqttProtocolVersion version)
    {
        int body = BodySize(topicUtf8Length, qos, properties, payloadLength, version);
        return 1 + MqttWire.VariableByteIntegerSize(body) + body;
    }

    private static int BodySize(int topicUtf8Length, MqttQos qos, MqttProperties? properties, int payloadLength, MqttProtocolVersion version) =>
        2 + topicUtf8Length + (qos > MqttQos.AtMostOnce ? 2 : 0) +
        (version == MqttProtocolVersion.V500 ? MqttProperties.SizeWithLength(properties) : 0) + payloadLength;

    /// <summary>Encodes a PUBLISH. The topic is passed as a string and encoded straight into the output.</summary>
    public static void Write(IBufferWriter<byte> output, MqttProtocolVersion version, string topic, ReadOnlySpan<byte> payload,
        MqttQos qos, bool retain, bool duplicate, ushort packetId, MqttProperties? properties)
    {
        if (qos > MqttQos.AtMostOnce && packetId == 0) throw new ArgumentException("QoS 1 and 2 need a packet identifier");
        if (qos == MqttQos.AtMostOnce && duplicate) throw new ArgumentException("DUP must be 0 for QoS 0 (§3.3.1.1)");
        int topicLength = Encoding.UTF8.GetByteCount(topic);
        int body = BodySize(topicLength, qos, properties, payload.Length, version);
        var w = MqttWireWriter.BeginPacket(output, FirstByte(qos, retain, duplicate), body, out _);
        w.WriteString(topic);
        if (qos > MqttQos.AtMostOnce) w.WriteUInt16(packetId);
        if (version == MqttProtocolVersion.V500) MqttProperties.Write(ref w, properties);
        w.WriteBytes(payload);
        w.Complete(output);
    }

    public static PublishPacket Decode(ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        var qos = (MqttQos)((flags >> 1) & 0x03);
        bool dup = (flags & 0x08) != 0;
        if ((int)qos == 3) throw MqttProtocolException.Malformed("PUBLISH with QoS 3"); // §3.3.1.2
        if (qos == MqttQos.AtMostOnce && dup) throw MqttProtocolException.Malformed("PUBLISH QoS 0 with DUP set"); // §3.3.1.1
        var r = new MqttWireReader(body);
        var topic = r.ReadUtf8();
        // §3.3.2.1: a Topic Name in PUBLISH never contains wildcards.
        if (MqttTopic.ContainsWildcard(topic)) throw MqttProtocolException.Malformed("PUBLISH topic contains a wildcard");
        ushort id = qos > MqttQos.AtMostOnce ? MqttFixedHeader.ReadPacketIdentifier(ref r, MqttPacketType.Publish) : (ushort)0;
        var props = version == MqttProtocolVersion.V500 ? MqttProperties.Read(ref r, (int)MqttPacketType.Publish) : null;
        // An empty topic is only meaningful with a Topic Alias (5.0 §3.3.2.3.4); 3.1.1 §4.7.3 forbids it.
        if (topic.IsEmpty && props?.TopicAlias is null) throw MqttProtocolException.Malformed("PUBLISH with an empty topic");
        return new PublishPacket
        {
            TopicUtf8 = topic, PacketId = id, Qos = qos, Retain = (flags & 1) != 0, Duplicate = dup,
            Properties = props, Payload = r.ReadRest(),
        };
    }
}
