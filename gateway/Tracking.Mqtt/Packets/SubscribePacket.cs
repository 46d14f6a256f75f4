using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>SUBSCRIBE (§3.8).</summary>
public sealed class SubscribePacket
{
    public ushort PacketId { get; init; }
    public required IReadOnlyList<MqttSubscription> Subscriptions { get; init; }
    public MqttProperties? Properties { get; init; }

    public void Write(IBufferWriter<byte> output, MqttProtocolVersion version)
    {
        if (Subscriptions.Count == 0) throw new ArgumentException("SUBSCRIBE needs at least one topic filter (§3.8.3)");
        int body = 2 + (version == MqttProtocolVersion.V500 ? MqttProperties.SizeWithLength(Properties) : 0);
        foreach (var s in Subscriptions)
        {
            MqttTopic.ValidateFilter(s.TopicFilter);
            body += MqttWire.StringSize(s.TopicFilter) + 1;
        }
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(MqttPacketType.Subscribe), body, out _);
        w.WriteUInt16(PacketId);
        if (version == MqttProtocolVersion.V500) MqttProperties.Write(ref w, Properties);
        foreach (var s in Subscriptions)
        {
            w.WriteString(s.TopicFilter);
            w.WriteByte(s.OptionsByte(version));
        }
        w.Complete(output);
    }

    public static SubscribePacket Decode(ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        MqttFixedHeader.ExpectFlags(MqttPacketType.Subscribe, flags);
        var r = new MqttWireReader(body);
        ushort id = MqttFixedHeader.ReadPacketIdentifier(ref r, MqttPacketType.Subscribe);
        var props = version == MqttProtocolVersion.V500 ? MqttProperties.Read(ref r, (int)MqttPacketType.Subscribe) : null;
        var list = new List<MqttSubscription>();
        while (!r.End)
        {
            string filter = MqttTopic.ValidateIncomingFilter(r.ReadString());
            byte o = r.ReadByte();
            int reservedMask = version == MqttProtocolVersion.V500 ? 0xC0 : 0xFC;
            if ((o & reservedMask) != 0 || (o & 0x03) == 3 || ((o >> 4) & 0x03) == 3)
                throw MqttProtocolException.Malformed($"subscription options 0x{o:X2} use reserved values"); // §3.8.3.1
            list.Add(new MqttSubscription(filter, (MqttQos)(o & 0x03))
            {
                NoLocal = (o & 0x04) != 0, RetainAsPublished = (o & 0x08) != 0, RetainHandling = (MqttRetainHandling)((o >> 4) & 0x03),
            });
        }
        if (list.Count == 0) throw MqttProtocolException.Violation("SUBSCRIBE without a topic filter"); // §3.8.3
        return new SubscribePacket { PacketId = id, Subscriptions = list, Properties = props };
    }
}
