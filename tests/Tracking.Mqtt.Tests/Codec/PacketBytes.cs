using System.Buffers;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;

namespace Tracking.Mqtt.Tests.Codec;

/// <summary>Test helpers: encode to a byte array, split a packet into fixed header and body, decode any type.</summary>
internal static class PacketBytes
{
    public static byte[] Encode(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static (byte First, byte[] Body) Split(byte[] packet, int maxPacketSize = int.MaxValue)
    {
        Assert.True(MqttFixedHeader.TryRead(new ReadOnlySequence<byte>(packet), maxPacketSize, out byte first, out int head, out int body));
        Assert.Equal(packet.Length, head + body);
        return (first, packet[head..]);
    }

    /// <summary>Decodes one whole packet of any type, as a server or a client would, and returns its re-encoding.</summary>
    public static byte[] DecodeAndReencode(ReadOnlySpan<byte> packet, MqttProtocolVersion v)
    {
        var bytes = packet.ToArray();
        if (!MqttFixedHeader.TryRead(new ReadOnlySequence<byte>(bytes), 1 << 20, out byte first, out int head, out int len) || bytes.Length < head + len)
            throw MqttProtocolException.Malformed("incomplete");
        var body = bytes.AsSpan(head, len);
        var type = (MqttPacketType)(first >> 4);
        byte flags = (byte)(first & 0xF);
        switch (type)
        {
            case MqttPacketType.Connect: { var p = ConnectPacket.Decode(body, flags); return Encode(w => p.Write(w)); }
            case MqttPacketType.ConnAck: { var p = ConnAckPacket.Decode(body, flags, v); return Encode(w => p.Write(w, v)); }
            case MqttPacketType.Publish:
            {
                var p = PublishPacket.Decode(body, flags, v);
                var topic = p.Topic; var payload = p.Payload.ToArray();
                var (qos, retain, dup, id, props) = (p.Qos, p.Retain, p.Duplicate, p.PacketId, p.Properties);
                return Encode(w => PublishPacket.Write(w, v, topic, payload, qos, retain, dup, id, props));
            }
            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp:
            { var p = PublishAckPacket.Decode(type, body, flags, v); return Encode(w => p.Write(w, v)); }
            case MqttPacketType.Subscribe: { var p = SubscribePacket.Decode(body, flags, v); return Encode(w => p.Write(w, v)); }
            case MqttPacketType.SubAck or MqttPacketType.UnsubAck: { var p = SubAckPacket.Decode(type, body, flags, v); return Encode(w => p.Write(w, v)); }
            case MqttPacketType.Unsubscribe: { var p = UnsubscribePacket.Decode(body, flags, v); return Encode(w => p.Write(w, v)); }
            case MqttPacketType.PingReq or MqttPacketType.PingResp: PingPacket.Decode(type, body, flags); return Encode(w => PingPacket.Write(w, type));
            case MqttPacketType.Disconnect or MqttPacketType.Auth: { var p = DisconnectPacket.Decode(type, body, flags, v); return Encode(w => p.Write(w, v)); }
            default: throw MqttProtocolException.Malformed("reserved type");
        }
    }
}
