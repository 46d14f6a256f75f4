namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// Lets several <see cref="ConsumerStage"/>s feed one <see cref="ISpoolConsumer"/> one call at a time: the gateway's own
/// stage and the stage of a dead peer's spool it drains (<see cref="Group.PeerSpoolAdopter"/>). The consumers are written
/// for one stage (RulesFeed and LiveFeed reuse one buffer for every batch), so their calls must not overlap. Each stage
/// confirms only its own spool's records, after its own calls returned; a <see cref="SaveAsync"/> makes durable what either
/// stage handed over, which only saves earlier.
/// </summary>
public sealed class SerializedConsumer(ISpoolConsumer inner) : ISpoolConsumer
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public ISpoolConsumer Inner => inner;

    public string Name => inner.Name;

    public TimeSpan SaveInterval => inner.SaveInterval;

    public TimeSpan CollectDelay => inner.CollectDelay;

    public int MaxBatch => inner.MaxBatch;

    public async ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await inner.ConsumeAsync(messages, ct).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask SaveAsync(CancellationToken ct)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await inner.SaveAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }
}
