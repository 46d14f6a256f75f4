using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Tests.Rules;

/// <summary>
/// The rules feed, killed right after its state is saved and before the spool confirms: the save returns, then the
/// process "dies" (the stage is cancelled and the save ends in cancellation, so nothing is confirmed).
/// </summary>
public sealed class CrashAfterSaveFeed(RulesFeed inner, CancellationTokenSource stop) : ISpoolConsumer
{
    public string Name => inner.Name;

    public TimeSpan SaveInterval => inner.SaveInterval;

    public int Saves { get; private set; }

    public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct) => inner.ConsumeAsync(messages, ct);

    public async ValueTask SaveAsync(CancellationToken ct)
    {
        await inner.SaveAsync(ct);
        Saves++;
        await stop.CancelAsync();
        throw new OperationCanceledException(stop.Token);
    }
}
