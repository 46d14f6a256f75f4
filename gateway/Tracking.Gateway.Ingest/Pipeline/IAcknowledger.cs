using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>Where acknowledgements go: the MQTT client in production, a list in tests.</summary>
public interface IAcknowledger
{
    ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct);
}
