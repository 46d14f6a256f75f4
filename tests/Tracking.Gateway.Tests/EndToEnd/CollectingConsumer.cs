using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>A spool consumer that keeps every message it is handed.</summary>
public sealed class CollectingConsumer(string name) : ISpoolConsumer
{
    private readonly List<TagMessage> _messages = [];

    public string Name { get; } = name;

    public int Count { get { lock (_messages) return _messages.Count; } }

    public IReadOnlyList<TagMessage> Messages { get { lock (_messages) return [.. _messages]; } }

    public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        lock (_messages) _messages.AddRange(messages);
        return ValueTask.CompletedTask;
    }
}
