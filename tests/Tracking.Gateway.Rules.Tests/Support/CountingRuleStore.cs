using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>
/// A store in front of another that counts the profile look-ups the engine makes; <c>versioned: false</c> hides the
/// inner store's profile version, as a store that cannot tell (PostgreSQL) does.
/// </summary>
public sealed class CountingRuleStore(IRuleStore inner, bool versioned = true) : IRuleStore
{
    private int _assignedLookups;
    private int _profileLookups;
    private int _versionReads;

    public int AssignedLookups => Volatile.Read(ref _assignedLookups);
    public int ProfileLookups => Volatile.Read(ref _profileLookups);
    public int VersionReads => Volatile.Read(ref _versionReads);

    public Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _profileLookups);
        return inner.GetProfileAsync(name, ct);
    }

    public Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _assignedLookups);
        return inner.AssignedProfileAsync(container, ct);
    }

    public Task<long?> ProfileVersionAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _versionReads);
        return versioned ? inner.ProfileVersionAsync(ct) : Task.FromResult<long?>(null);
    }

    public Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default) => inner.ListProfilesAsync(ct);
    public Task PutProfileAsync(Profile profile, CancellationToken ct = default) => inner.PutProfileAsync(profile, ct);
    public Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default) => inner.AssignProfileAsync(container, profile, ct);
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

    public Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default) => inner.SaveStateAsync(container, state, ct);
    public Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default) => inner.SaveStatesAsync(states, ct);
    public Task<byte[]?> LoadStateAsync(ContainerKey container, CancellationToken ct = default) => inner.LoadStateAsync(container, ct);
    public Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default) => inner.ListContainersAsync(ct);
}
