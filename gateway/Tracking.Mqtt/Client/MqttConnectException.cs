namespace Tracking.Mqtt;

/// <summary>The server refused the connection (CONNACK with a failure reason code).</summary>
public sealed class MqttConnectException(MqttReasonCode reasonCode, string? reasonString)
    : Exception($"the MQTT server refused the connection: {reasonCode} (0x{(byte)reasonCode:X2}){(reasonString is null ? "" : ": " + reasonString)}")
{
    public MqttReasonCode ReasonCode { get; } = reasonCode;
    public string? ReasonString { get; } = reasonString;
}
