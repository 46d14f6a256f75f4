using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The store as the engine sees it in shared mode: the PostgreSQL store, except that state saves go through the shared
/// log, fenced by the partitions' epochs and together with the log positions evaluated (one transaction), and that only
/// the owned partitions' containers are listed (the engine loads those at start and after a takeover).
/// </summary>
public sealed class SharedRuleStore(IRuleStore inner, SharedRuleLog log, PartitionOwnership ownership) : DelegatingRuleStore(inner)
{
    public override Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default) =>
        SaveStatesAsync([new ContainerSnapshot(container, state)], ct);

    /// <summary>
    /// Saves the states with the positions evaluated so far, all or nothing, if this gateway still holds every partition
    /// concerned. The engine calls it only after the inputs up to those positions are evaluated, so a saved position
    /// never runs ahead of the saved states (a state ahead of its position is harmless: the replay is duplicates).
    /// </summary>
    /// <exception cref="LeaseLostException">A partition was taken over; nothing was saved.</exception>
    public override async Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default)
    {
        List<(int Partition, long Position)> positions = ownership.TakePending();
        try
        {
            await log.SaveAsync(states, positions, p => ownership.Get(p)?.Epoch, ct).ConfigureAwait(false);
        }
        catch
        {
            ownership.Restore(positions);
            throw;
        }
        ownership.Saved(positions);
    }

    public override async Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default) =>
        [.. (await Inner.ListContainersAsync(ct).ConfigureAwait(false)).Where(ownership.Owns)];
}
