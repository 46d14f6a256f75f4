using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

internal sealed class RecordingAcknowledger : IAcknowledger
{
    private readonly List<ushort> _ids = [];

    public IReadOnlyList<ushort> Ids { get { lock (_ids) return _ids.ToList(); } }

    public ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct)
    {
        lock (_ids)
        {
            foreach (MqttMessage m in messages.Span) _ids.Add(m.PacketId);
        }

        return ValueTask.CompletedTask;
    }
}
