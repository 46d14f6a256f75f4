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
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(Type), ReasonTail.Size(version, ReasonCode, Properties), out _);
        ReasonTail.Write(ref w, version, ReasonCode, Properties);
        w.Complete(output);
    }

    public static DisconnectPacket Decode(MqttPacketType type, ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        if (type is not (MqttPacketType.Disconnect or MqttPacketType.Auth)) throw new ArgumentOutOfRangeException(nameof(type));
        if (type == MqttPacketType.Auth && version != MqttProtocolVersion.V500) throw MqttProtocolException.Malformed("AUTH in MQTT 3.1.1");
        MqttFixedHeader.ExpectFlags(type, flags);
        var r = new MqttWireReader(body);
        var (reason, props) = ReasonTail.Read(ref r, type, version);
        return new DisconnectPacket { Type = type, ReasonCode = reason, Properties = props };
    }
}
