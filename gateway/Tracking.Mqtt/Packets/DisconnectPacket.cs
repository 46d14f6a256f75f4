using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>
/// DISCONNECT (§3.14) and AUTH (5.0 §3.15): a reason code and properties in 5.0, both omitted when the
/// reason is Success and there are no properties. 3.1.1's DISCONNECT is empty and it has no AUTH.
/// </summary>
public sealed class DisconnectPacket
{
    public MqttPacketType Type { get; init; } = MqttPacketType.Disconnect;
    public MqttReasonCode ReasonCode { get; init; }
    public MqttProperties? Properties { get; init; }

    public void Write(IBufferWriter<byte> output, MqttProtocolVersion version)
    {
        if (Type == MqttPacketType.Auth && version != MqttProtocolVersion.V500) throw new InvalidOperationException("AUTH exists only in MQTT 5.0");
        bool full = version == MqttProtocolVersion.V500 && (ReasonCode != MqttReasonCode.Success || Properties is not null);
        int body = full ? 1 + MqttProperties.SizeWithLength(Properties) : 0;
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(Type), body, out _);
        if (full)
        {
            w.WriteByte((byte)ReasonCode);
            MqttProperties.Write(ref w, Properties);
        }
        w.Complete(output);
    }

    public static DisconnectPacket Decode(MqttPacketType type, ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        if (type is not (MqttPacketType.Disconnect or MqttPacketType.Auth)) throw new ArgumentOutOfRangeException(nameof(type));
        if (type == MqttPacketType.Auth && version != MqttProtocolVersion.V500) throw MqttProtocolException.Malformed("AUTH in MQTT 3.1.1");
        MqttFixedHeader.ExpectFlags(type, flags);
        var r = new MqttWireReader(body);
        var reason = MqttReasonCode.Success;
        MqttProperties? props = null;
        if (version == MqttProtocolVersion.V500)
        {
            if (!r.End) reason = (MqttReasonCode)r.ReadByte();
            if (!r.End) props = MqttProperties.Read(ref r, (int)type);
        }
        r.ExpectEnd(type.ToString().ToUpperInvariant());
        return new DisconnectPacket { Type = type, ReasonCode = reason, Properties = props };
    }
}
