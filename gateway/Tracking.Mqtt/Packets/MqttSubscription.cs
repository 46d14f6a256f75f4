namespace Tracking.Mqtt.Packets;

/// <summary>One topic filter of a SUBSCRIBE with its options (§3.8.3.1).</summary>
public sealed record MqttSubscription(string TopicFilter, MqttQos Qos = MqttQos.AtLeastOnce)
{
    public bool NoLocal { get; init; }
    public bool RetainAsPublished { get; init; }
    public MqttRetainHandling RetainHandling { get; init; }

    internal byte OptionsByte(MqttProtocolVersion version) => version == MqttProtocolVersion.V500
        ? (byte)((int)Qos | (NoLocal ? 0x04 : 0) | (RetainAsPublished ? 0x08 : 0) | ((int)RetainHandling << 4))
        : (byte)Qos;
}
