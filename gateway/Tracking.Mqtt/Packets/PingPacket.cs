using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>PINGREQ (§3.12) and PINGRESP (§3.13): a fixed header with no body.</summary>
public static class PingPacket
{
    public const int Size = 2;

    public static void Write(IBufferWriter<byte> output, MqttPacketType type)
    {
        if (type is not (MqttPacketType.PingReq or MqttPacketType.PingResp)) throw new ArgumentOutOfRangeException(nameof(type));
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(type), 0, out _);
        w.Complete(output);
    }

    public static void Decode(MqttPacketType type, ReadOnlySpan<byte> body, byte flags)
    {
        MqttFixedHeader.ExpectFlags(type, flags);
        if (!body.IsEmpty) throw MqttProtocolException.Malformed($"{type.ToString().ToUpperInvariant()} with a body");
    }
}
