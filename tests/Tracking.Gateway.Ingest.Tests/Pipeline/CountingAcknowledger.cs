using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

internal sealed class CountingAcknowledger(Action each) : IAcknowledger
{
    public ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct)
    {
        for (int i = 0; i < messages.Length; i++) each();
        return ValueTask.CompletedTask;
    }
}
