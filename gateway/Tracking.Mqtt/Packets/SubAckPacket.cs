using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>
/// SUBACK (§3.9) and UNSUBACK (§3.11): a packet identifier, 5.0 properties, and one reason code per
/// topic filter of the request (3.1.1's UNSUBACK has neither properties nor codes).
/// </summary>
public sealed class SubAckPacket
{
    public MqttPacketType Type { get; init; } = MqttPacketType.SubAck;
    public ushort PacketId { get; init; }
    public MqttProperties? Properties { get; init; }
    public required IReadOnlyList<MqttReasonCode> ReasonCodes { get; init; }

    private bool HasCodes(MqttProtocolVersion v) => Type == MqttPacketType.SubAck || v == MqttProtocolVersion.V500;

    public void Write(IBufferWriter<byte> output, MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        int body = 2 + (v5 ? MqttProperties.SizeWithLength(Properties) : 0) + (HasCodes(version) ? ReasonCodes.Count : 0);
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(Type), body, out _);
        w.WriteUInt16(PacketId);
        if (v5) MqttProperties.Write(ref w, Properties);
        if (HasCodes(version))
            foreach (var c in ReasonCodes) w.WriteByte((byte)c);
        w.Complete(output);
    }

    public static SubAckPacket Decode(MqttPacketType type, ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        if (type is not (MqttPacketType.SubAck or MqttPacketType.UnsubAck)) throw new ArgumentOutOfRangeException(nameof(type));
        MqttFixedHeader.ExpectFlags(type, flags);
        var r = new MqttWireReader(body);
        ushort id = MqttFixedHeader.ReadPacketIdentifier(ref r, type);
        bool v5 = version == MqttProtocolVersion.V500;
        var props = v5 ? MqttProperties.Read(ref r, (int)type) : null;
        var codes = new List<MqttReasonCode>(r.Remaining);
        while (!r.End)
        {
            byte c = r.ReadByte();
            // 3.1.1 §3.9.3: only 0x00, 0x01, 0x02 and 0x80 are allowed in SUBACK.
            if (!v5 && c is not (0 or 1 or 2 or 0x80)) throw MqttProtocolException.Malformed($"SUBACK return code 0x{c:X2}");
            codes.Add((MqttReasonCode)c);
        }
        var packet = new SubAckPacket { Type = type, PacketId = id, Properties = props, ReasonCodes = codes };
        if (packet.HasCodes(version) && codes.Count == 0)
            throw MqttProtocolException.Malformed($"{type.ToString().ToUpperInvariant()} without reason codes");
        return packet;
    }
}
