namespace Tracking.Mqtt;

/// <summary>One or more topic filters of a SUBSCRIBE were refused.</summary>
public sealed class MqttSubscribeException(IReadOnlyList<(string Filter, MqttReasonCode Code)> failures)
    : Exception("the MQTT server refused " + string.Join(", ", failures.Select(f => $"'{f.Filter}' ({f.Code}, 0x{(byte)f.Code:X2})")))
{
    public IReadOnlyList<(string Filter, MqttReasonCode Code)> Failures { get; } = failures;
}
