namespace Tracking.Mqtt;

/// <summary>The server acknowledged a publish with a failure reason code (MQTT 5.0).</summary>
public sealed class MqttPublishException(string topic, MqttReasonCode reasonCode)
    : Exception($"the MQTT server refused a publish to '{topic}': {reasonCode} (0x{(byte)reasonCode:X2})")
{
    public MqttReasonCode ReasonCode { get; } = reasonCode;
}
