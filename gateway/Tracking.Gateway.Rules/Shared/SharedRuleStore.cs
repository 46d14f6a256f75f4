using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The store as the engine sees it in shared mode: the PostgreSQL store, except that state saves go through the shared
/// log, fenced by the partitions' epochs and together with the log positions evaluated (one transaction), and that only
/// the owned partitions' containers are listed (the engine loads those at start and after a takeover). The engine's alert
/// writes (open, resolve, escalate, move since) of an owned container are fenced like the saves (issue 12): written only
/// while the partition's epoch is still the one taken over with, checked in the write's own transaction
/// (<see cref="IFencedAlertStore"/>), so a stalled former owner can no longer write an alert, nor record a predictive
/// warning. A write for a container not owned here (the API's acknowledgement resolving a momentary alert, on any
/// gateway) is not fenced: the operator's act is nobody's lease.
/// </summary>
public sealed class SharedRuleStore(IRuleStore inner, SharedRuleLog log, PartitionOwnership ownership) : DelegatingRuleStore(inner)
{
    private readonly IFencedAlertStore _fenced = inner as IFencedAlertStore
        ?? throw new ArgumentException("shared mode needs a store whose alert writes can be fenced (PostgreSQL)", nameof(inner));

    /// <summary>The fencing token of an owned container's partition; null when this gateway does not own it.</summary>
    private AlertFence? FenceOf(ContainerKey container)
    {
        int partition = ownership.PartitionOf(container);
        return ownership.Get(partition) is { } owned ? new AlertFence(partition, owned.Epoch) : null;
    }

    public override Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default) =>
        FenceOf(alert.Container) is { } fence ? _fenced.OpenAlertAsync(alert, fence, ct) : Inner.OpenAlertAsync(alert, ct);

    public override async Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default) =>
        await FenceOfAlertAsync(id, ct).ConfigureAwait(false) is { } fence
            ? await _fenced.ResolveAlertAsync(id, at, fence, ct).ConfigureAwait(false)
            : await Inner.ResolveAlertAsync(id, at, ct).ConfigureAwait(false);

    public override async Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at,
        CancellationToken ct = default) =>
        await FenceOfAlertAsync(id, ct).ConfigureAwait(false) is { } fence
            ? await _fenced.EscalateAlertAsync(id, seenEscalations, severity, at, fence, ct).ConfigureAwait(false)
            : await Inner.EscalateAlertAsync(id, seenEscalations, severity, at, ct).ConfigureAwait(false);

    public override async Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default) =>
        await FenceOfAlertAsync(id, ct).ConfigureAwait(false) is { } fence
            ? await _fenced.MoveAlertSinceAsync(id, since, fence, ct).ConfigureAwait(false)
            : await Inner.MoveAlertSinceAsync(id, since, ct).ConfigureAwait(false);

    /// <summary>
    /// A predictive warning's issue or end: fenced like an alert write, so a former owner that lost the partition without
    /// noticing records none (the new owner does, from the saved state on). The engine records only the warnings of
    /// containers it owns; one it does not own is handed on unfenced, as an alert write would be.
    /// </summary>
    public override Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default) =>
        FenceOf(notification.Warning.Container) is { } fence
            ? _fenced.RecordWarningAsync(notification, fence, ct)
            : Inner.RecordWarningAsync(notification, ct);

    /// <summary>
    /// The fence of an alert's container (the engine passes only ids): one read of the alert, whose container never
    /// changes, so reading it outside the write's transaction is safe. Unknown id: no fence (the write finds nothing).
    /// </summary>
    private async Task<AlertFence?> FenceOfAlertAsync(long id, CancellationToken ct) =>
        await Inner.GetAlertAsync(id, ct).ConfigureAwait(false) is { } alert ? FenceOf(alert.Container) : null;

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
