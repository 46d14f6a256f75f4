using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>Keeps what it is handed; can be made to fail or to hang until the test lets it go.</summary>
public sealed class RecordingConsumer(string name) : ISpoolConsumer
{
    private readonly List<TagMessage> _messages = [];

    public string Name { get; } = name;

    public TimeSpan CollectDelay { get; init; }

    public int MaxBatch { get; init; } = ConsumerStage.MaxBatch;

    /// <summary>How many messages each call was handed, in order.</summary>
    public List<int> BatchSizes { get; } = [];

    public int FailuresLeft { get; set; }

    public TaskCompletionSource? Gate { get; set; }

    public int Calls { get; private set; }

    public IReadOnlyList<TagMessage> Messages { get { lock (_messages) return [.. _messages]; } }

    public async ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        Calls++;
        BatchSizes.Add(messages.Count);
        if (Gate is { } gate) await gate.Task.WaitAsync(ct);
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new InvalidOperationException("consumer failed on purpose");
        }

        lock (_messages) _messages.AddRange(messages);
    }
}
