using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The store as the engine sees it in shared mode: the PostgreSQL store, except that state saves go through the shared
/// log, fenced by the partitions' epochs and together with the log positions evaluated (one transaction), and that only
/// the owned partitions' containers are listed (the engine loads those at start and after a takeover).
/// </summary>
public sealed class SharedRuleStore(IRuleStore inner, SharedRuleLog log, PartitionOwnership ownership) : IRuleStore
{
    public IRuleStore Inner => inner;

    public Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default) => inner.GetProfileAsync(name, ct);

    public Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default) => inner.ListProfilesAsync(ct);

    public Task PutProfileAsync(Profile profile, CancellationToken ct = default) => inner.PutProfileAsync(profile, ct);

    public Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default) => inner.AssignProfileAsync(container, profile, ct);

    public Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default) => inner.AssignedProfileAsync(container, ct);

    public Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default) => inner.OpenAlertAsync(alert, ct);

    public Task<Alert?> UpdateAlertAsync(Alert alert, CancellationToken ct = default) => inner.UpdateAlertAsync(alert, ct);

    public Task<AlertChange> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, string? note, CancellationToken ct = default) =>
        inner.AcknowledgeAlertAsync(id, by, at, note, ct);

    public Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default) => inner.ResolveAlertAsync(id, at, ct);

    public Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, CancellationToken ct = default) =>
        inner.EscalateAlertAsync(id, seenEscalations, severity, ct);

    public Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default) => inner.MoveAlertSinceAsync(id, since, ct);

    public Task<Alert?> GetAlertAsync(long id, CancellationToken ct = default) => inner.GetAlertAsync(id, ct);

    public Task<IReadOnlyList<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default) => inner.ListAlertsAsync(query, ct);

    public Task PutExcursionAsync(Excursion excursion, CancellationToken ct = default) => inner.PutExcursionAsync(excursion, ct);

    public Task<bool> DeleteExcursionAsync(ContainerKey container, string tag, string band, DateTimeOffset start, CancellationToken ct = default) =>
        inner.DeleteExcursionAsync(container, tag, band, start, ct);

    public Task<IReadOnlyList<Excursion>> ListExcursionsAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        inner.ListExcursionsAsync(container, from, to, ct);

    public Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default) =>
        SaveStatesAsync([new ContainerSnapshot(container, state)], ct);

    /// <summary>
    /// Saves the states with the positions evaluated so far, all or nothing, if this gateway still holds every partition
    /// concerned. The engine calls it only after the inputs up to those positions are evaluated, so a saved position
    /// never runs ahead of the saved states (a state ahead of its position is harmless: the replay is duplicates).
    /// </summary>
    /// <exception cref="LeaseLostException">A partition was taken over; nothing was saved.</exception>
    public async Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default)
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

    public Task<byte[]?> LoadStateAsync(ContainerKey container, CancellationToken ct = default) => inner.LoadStateAsync(container, ct);

    public async Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default) =>
        [.. (await inner.ListContainersAsync(ct).ConfigureAwait(false)).Where(ownership.Owns)];
}
