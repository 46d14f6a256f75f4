using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

internal sealed class ListAcknowledger(List<ushort> ids) : IAcknowledger
{
    public ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct)
    {
        foreach (MqttMessage m in messages.Span) ids.Add(m.PacketId);
        return ValueTask.CompletedTask;
    }
}
