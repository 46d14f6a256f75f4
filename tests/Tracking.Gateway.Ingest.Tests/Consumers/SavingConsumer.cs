using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// A consumer that keeps what it takes in memory until its save (like the rules engine): <see cref="Saved"/> is what a
/// restart would find. Saves can be made to fail.
/// </summary>
public sealed class SavingConsumer(string name, TimeSpan saveInterval) : ISpoolConsumer
{
    private readonly List<TagMessage> _taken = [];
    private readonly List<TagMessage> _saved = [];

    public string Name { get; } = name;

    public TimeSpan SaveInterval { get; } = saveInterval;

    public int SaveFailuresLeft { get; set; }

    public int SaveCalls { get; private set; }

    public IReadOnlyList<TagMessage> Taken { get { lock (_taken) return [.. _taken]; } }

    public IReadOnlyList<TagMessage> Saved { get { lock (_taken) return [.. _saved]; } }

    public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        lock (_taken) _taken.AddRange(messages);
        return ValueTask.CompletedTask;
    }

    public ValueTask SaveAsync(CancellationToken ct)
    {
        SaveCalls++;
        if (SaveFailuresLeft > 0)
        {
            SaveFailuresLeft--;
            throw new IOException("store down on purpose");
        }

        lock (_taken)
        {
            _saved.Clear();
            _saved.AddRange(_taken);
        }

        return ValueTask.CompletedTask;
    }
}
