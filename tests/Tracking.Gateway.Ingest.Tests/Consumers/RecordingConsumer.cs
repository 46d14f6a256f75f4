using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>Keeps what it is handed; can be made to fail or to hang until the test lets it go.</summary>
public sealed class RecordingConsumer(string name) : ISpoolConsumer
{
    private readonly List<TagMessage> _messages = [];

    public string Name { get; } = name;

    public TimeSpan CollectDelay { get; init; }

    public int FailuresLeft { get; set; }

    public TaskCompletionSource? Gate { get; set; }

    public int Calls { get; private set; }

    public IReadOnlyList<TagMessage> Messages { get { lock (_messages) return [.. _messages]; } }

    public async ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        Calls++;
        if (Gate is { } gate) await gate.Task.WaitAsync(ct);
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new InvalidOperationException("consumer failed on purpose");
        }

        lock (_messages) _messages.AddRange(messages);
    }
}
