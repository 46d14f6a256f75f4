using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// A store in front of another that hands every call on: a store that changes a few calls (shared mode's fenced saves,
/// a test's counting or failing store) overrides those only, and a member added to <see cref="IRuleStore"/> is handed on
/// here once instead of in each of them.
/// </summary>
public abstract class DelegatingRuleStore(IRuleStore inner) : IRuleStore
{
    public IRuleStore Inner => inner;

    public virtual Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default) => inner.GetProfileAsync(name, ct);

    public virtual Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default) => inner.ListProfilesAsync(ct);

    public virtual Task PutProfileAsync(Profile profile, CancellationToken ct = default) => inner.PutProfileAsync(profile, ct);

    public virtual Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default) =>
        inner.AssignProfileAsync(container, profile, ct);

    public virtual Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default) => inner.AssignedProfileAsync(container, ct);

    public virtual Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default) => inner.ListAssignmentsAsync(ct);

    public virtual Task<long?> ProfileVersionAsync(CancellationToken ct = default) => inner.ProfileVersionAsync(ct);

    public virtual Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default) => inner.OpenAlertAsync(alert, ct);

    public virtual Task<Alert?> UpdateAlertAsync(Alert alert, CancellationToken ct = default) => inner.UpdateAlertAsync(alert, ct);

    public virtual Task<AlertChange> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, string? note, CancellationToken ct = default) =>
        inner.AcknowledgeAlertAsync(id, by, at, note, ct);

    public virtual Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default) => inner.ResolveAlertAsync(id, at, ct);

    public virtual Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, CancellationToken ct = default) =>
        inner.EscalateAlertAsync(id, seenEscalations, severity, at, ct);

    public virtual Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default) =>
        inner.MoveAlertSinceAsync(id, since, ct);

    public virtual Task<Alert?> GetAlertAsync(long id, CancellationToken ct = default) => inner.GetAlertAsync(id, ct);

    public virtual Task<IReadOnlyList<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default) => inner.ListAlertsAsync(query, ct);

    public virtual Task PutExcursionAsync(Excursion excursion, CancellationToken ct = default) => inner.PutExcursionAsync(excursion, ct);

    public virtual Task<bool> DeleteExcursionAsync(ContainerKey container, string tag, string band, DateTimeOffset start, CancellationToken ct = default) =>
        inner.DeleteExcursionAsync(container, tag, band, start, ct);

    public virtual Task<IReadOnlyList<Excursion>> ListExcursionsAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct = default) => inner.ListExcursionsAsync(container, from, to, ct);

    public virtual Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default) =>
        inner.SaveStateAsync(container, state, ct);

    public virtual Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default) => inner.SaveStatesAsync(states, ct);

    public virtual Task<StoredState?> LoadStateAsync(ContainerKey container, CancellationToken ct = default) => inner.LoadStateAsync(container, ct);

    public virtual Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default) => inner.ListContainersAsync(ct);

    public virtual Task<TripChange> StartTripAsync(Trip trip, CancellationToken ct = default) => inner.StartTripAsync(trip, ct);

    public virtual Task<TripChange> EndTripAsync(ContainerKey container, DateTimeOffset end, CancellationToken ct = default) =>
        inner.EndTripAsync(container, end, ct);

    public virtual Task<IReadOnlyList<Trip>> ListTripsAsync(ContainerKey container, CancellationToken ct = default) => inner.ListTripsAsync(container, ct);

    public virtual Task<IReadOnlyList<ContainerKey>> ListTripContainersAsync(CancellationToken ct = default) => inner.ListTripContainersAsync(ct);

    public virtual Task<Trip?> GetTripAsync(ContainerKey container, long id, CancellationToken ct = default) => inner.GetTripAsync(container, id, ct);

    public virtual Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default) =>
        inner.RecordWarningAsync(notification, ct);

    public virtual Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(int limit, CancellationToken ct = default) => inner.ListAlertEventsAsync(limit, ct);

    public virtual Task<int> DispatchAlertEventsAsync(int limit,
        Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> deliver, CancellationToken ct = default) =>
        inner.DispatchAlertEventsAsync(limit, deliver, ct);
}
