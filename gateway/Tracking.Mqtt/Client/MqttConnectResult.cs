namespace Tracking.Mqtt;

public sealed record MqttConnectResult(bool SessionPresent, MqttReasonCode ReasonCode, string? AssignedClientId,
    ushort? ServerReceiveMaximum, TimeSpan KeepAlive, MqttProperties? Properties);
