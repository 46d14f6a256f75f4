namespace Tracking.Mqtt;

/// <summary>The outcome of a QoS 1/2 publish as the server acknowledged it.</summary>
public readonly record struct MqttPublishResult(ushort PacketId, MqttReasonCode ReasonCode)
{
    public bool IsSuccess => ReasonCode < MqttReasonCode.UnspecifiedError;
}
