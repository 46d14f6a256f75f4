namespace Tracking.Mqtt;

/// <summary>
/// The peer sent bytes that break the protocol. The only exception the codec throws on bad input;
/// the client answers it by closing the connection (with this reason code in an MQTT 5 DISCONNECT).
/// </summary>
public sealed class MqttProtocolException : Exception
{
    public MqttProtocolException(string message, MqttReasonCode reasonCode = MqttReasonCode.MalformedPacket)
        : base(message) => ReasonCode = reasonCode;

    public MqttReasonCode ReasonCode { get; }

    internal static MqttProtocolException Malformed(string message) => new(message, MqttReasonCode.MalformedPacket);
    internal static MqttProtocolException Violation(string message) => new(message, MqttReasonCode.ProtocolError);
}
