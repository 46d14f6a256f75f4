using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>Records the packet ids of each acknowledgement call (one group commit each), readable from the test's thread.</summary>
internal sealed class GroupAcknowledger : IAcknowledger
{
    private readonly List<ushort[]> _groups = [];

    public ushort[][] Groups
    {
        get
        {
            lock (_groups) return [.. _groups];
        }
    }

    public ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct)
    {
        ushort[] ids = new ushort[messages.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = messages.Span[i].PacketId;
        lock (_groups) _groups.Add(ids);
        return ValueTask.CompletedTask;
    }
}
