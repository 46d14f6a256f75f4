using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>
/// PUBACK, PUBREC, PUBREL and PUBCOMP (§3.4 – §3.7): one wire shape, a packet identifier with, in 5.0,
/// an optional reason code and properties. One type serves the four so their rules live in one place.
/// </summary>
public readonly struct PublishAckPacket
{
    public PublishAckPacket(MqttPacketType type, ushort packetId, MqttReasonCode reasonCode = MqttReasonCode.Success, MqttProperties? properties = null)
    {
        if (type is not (MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp))
            throw new ArgumentOutOfRangeException(nameof(type));
        Type = type;
        PacketId = packetId;
        ReasonCode = reasonCode;
        Properties = properties;
    }

    public MqttPacketType Type { get; }
    public ushort PacketId { get; }
    public MqttReasonCode ReasonCode { get; }
    public MqttProperties? Properties { get; }

    /// <summary>The size of the common case, a success without properties, which the hot path writes.</summary>
    public const int ShortSize = 4;

    public void Write(IBufferWriter<byte> output, MqttProtocolVersion version)
    {
        int body = 2 + ReasonTail.Size(version, ReasonCode, Properties);
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(Type), body, out _);
        w.WriteUInt16(PacketId);
        ReasonTail.Write(ref w, version, ReasonCode, Properties);
        w.Complete(output);
    }

    /// <summary>Writes the short form without building a packet value: the PUBACK of every QoS 1 message received.</summary>
    public static void WriteShort(Span<byte> destination, MqttPacketType type, ushort packetId)
    {
        destination[0] = MqttFixedHeader.FirstByte(type);
        destination[1] = 2;
        destination[2] = (byte)(packetId >> 8);
        destination[3] = (byte)packetId;
    }

    public static PublishAckPacket Decode(MqttPacketType type, ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        MqttFixedHeader.ExpectFlags(type, flags);
        var r = new MqttWireReader(body);
        ushort id = MqttFixedHeader.ReadPacketIdentifier(ref r, type);
        var (reason, props) = ReasonTail.Read(ref r, type, version);
        return new PublishAckPacket(type, id, reason, props);
    }
}
