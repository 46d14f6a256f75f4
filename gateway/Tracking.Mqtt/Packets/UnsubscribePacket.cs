using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>UNSUBSCRIBE (§3.10).</summary>
public sealed class UnsubscribePacket
{
    public ushort PacketId { get; init; }
    public required IReadOnlyList<string> TopicFilters { get; init; }
    public MqttProperties? Properties { get; init; }

    public void Write(IBufferWriter<byte> output, MqttProtocolVersion version)
    {
        if (TopicFilters.Count == 0) throw new ArgumentException("UNSUBSCRIBE needs at least one topic filter (§3.10.3)");
        int body = 2 + (version == MqttProtocolVersion.V500 ? MqttProperties.SizeWithLength(Properties) : 0);
        foreach (var f in TopicFilters)
        {
            MqttTopic.ValidateFilter(f);
            body += MqttWire.StringSize(f);
        }
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(MqttPacketType.Unsubscribe), body, out _);
        w.WriteUInt16(PacketId);
        if (version == MqttProtocolVersion.V500) MqttProperties.Write(ref w, Properties);
        foreach (var f in TopicFilters) w.WriteString(f);
        w.Complete(output);
    }

    public static UnsubscribePacket Decode(ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        MqttFixedHeader.ExpectFlags(MqttPacketType.Unsubscribe, flags);
        var r = new MqttWireReader(body);
        ushort id = MqttFixedHeader.ReadPacketIdentifier(ref r, MqttPacketType.Unsubscribe);
        var props = version == MqttProtocolVersion.V500 ? MqttProperties.Read(ref r, (int)MqttPacketType.Unsubscribe) : null;
        var filters = new List<string>();
        while (!r.End) filters.Add(MqttTopic.ValidateIncomingFilter(r.ReadString()));
        if (filters.Count == 0) throw MqttProtocolException.Violation("UNSUBSCRIBE without a topic filter"); // §3.10.3
        return new UnsubscribePacket { PacketId = id, TopicFilters = filters, Properties = props };
    }
}
