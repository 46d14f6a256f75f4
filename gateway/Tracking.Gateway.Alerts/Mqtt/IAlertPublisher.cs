namespace Tracking.Gateway.Alerts.Mqtt;

/// <summary>Where <see cref="MqttAlertSink"/> publishes: a QoS 1 MQTT publish, completed on the broker's acknowledgement.</summary>
public interface IAlertPublisher
{
    /// <returns>Null when the broker took it; else the broker's reason for refusing it.</returns>
    ValueTask<string?> PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken ct);
}
