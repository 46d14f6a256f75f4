namespace Tracking.Mqtt;

/// <summary>The server refused the connection (CONNACK with a failure reason code).</summary>
public sealed class MqttConnectException(MqttReasonCode reasonCode, string? reasonString)
    : Exception($"the MQTT server refused the connection: {reasonCode} (0x{(byte)reasonCode:X2}){(reasonString is null ? "" : ": " + reasonString)}")
{
    public MqttReasonCode ReasonCode { get; } = reasonCode;
    public string? ReasonString { get; } = reasonString;
}

/// <summary>One or more topic filters of a SUBSCRIBE were refused.</summary>
public sealed class MqttSubscribeException(IReadOnlyList<(string Filter, MqttReasonCode Code)> failures)
    : Exception("the MQTT server refused " + string.Join(", ", failures.Select(f => $"'{f.Filter}' ({f.Code}, 0x{(byte)f.Code:X2})")))
{
    public IReadOnlyList<(string Filter, MqttReasonCode Code)> Failures { get; } = failures;
}

/// <summary>The server acknowledged a publish with a failure reason code (MQTT 5.0).</summary>
public sealed class MqttPublishException(string topic, MqttReasonCode reasonCode)
    : Exception($"the MQTT server refused a publish to '{topic}': {reasonCode} (0x{(byte)reasonCode:X2})")
{
    public MqttReasonCode ReasonCode { get; } = reasonCode;
}

/// <summary>An operation needs a connection and there is none (or it was lost while waiting).</summary>
public sealed class MqttNotConnectedException(string message, Exception? inner = null) : Exception(message, inner);
