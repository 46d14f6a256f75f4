namespace Tracking.Mqtt;

public readonly record struct MqttUserProperty(string Name, string Value);
