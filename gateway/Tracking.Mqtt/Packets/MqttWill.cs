namespace Tracking.Mqtt.Packets;

/// <summary>The Will Message of a CONNECT (§3.1.2.5 – §3.1.3.4).</summary>
public sealed class MqttWill
{
    public required string Topic { get; init; }
    public ReadOnlyMemory<byte> Payload { get; init; }
    public MqttQos Qos { get; init; }
    public bool Retain { get; init; }
    /// <summary>MQTT 5.0 Will Properties (Will Delay Interval, Message Expiry, Content Type, ...).</summary>
    public MqttProperties? Properties { get; init; }
}
