using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Observability;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// A consumer that spends <see cref="CpuPerCall"/> of its thread's CPU on each hand-over and save, on the calling thread
/// or (<see cref="GoAsync"/>) after going asynchronous first, and adds up what it spent.
/// </summary>
public sealed class BusyConsumer(string name, TimeSpan cpuPerCall) : ISpoolConsumer
{
    private long _spentTicks;
    private int _calls;

    public string Name { get; } = name;

    public TimeSpan SaveInterval { get; init; }

    public bool GoAsync { get; init; }

    public TimeSpan CpuPerCall { get; } = cpuPerCall;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The CPU time its calls spent, measured on their own threads.</summary>
    public TimeSpan Spent => TimeSpan.FromTicks(Interlocked.Read(ref _spentTicks));

    public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct) => BusyAsync();

    public ValueTask SaveAsync(CancellationToken ct) => BusyAsync();

    private async ValueTask BusyAsync()
    {
        if (GoAsync) await Task.Yield();
        long from = ThreadCpu.Ticks() ?? throw new PlatformNotSupportedException("no thread CPU clock here");
        long now;
        do
        {
            now = ThreadCpu.Ticks()!.Value;
        }
        while (now - from < CpuPerCall.Ticks);
        Interlocked.Add(ref _spentTicks, now - from);
        Interlocked.Increment(ref _calls);
    }
}
