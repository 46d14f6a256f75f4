using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// Where the rules keep what must survive a restart and may be shared by several gateways: profiles, assignments,
/// alerts, excursions and each container's evaluation state (an opaque snapshot the engine writes and reads back).
/// SQLite by default; PostgreSQL for gateways that share state. Time series stay in InfluxDB. Every method is atomic.
/// <para>
/// Transactional outbox (issue 12, README.md "Alerts"): every alert write that changes something and is notified
/// (open, acknowledge, resolve, escalate) records the notification it owes in the same transaction, as an
/// <see cref="AlertEvent"/>; <see cref="DispatchAlertEventsAsync"/> hands owed ones to the sinks and forgets them once
/// delivered. "Alert changed" and "notification owed" are one fact: a crash between the write and the notification
/// leaves the event owed, and the next dispatch (at start at the latest) delivers it. Predictive warnings go the same way
/// (<see cref="RecordWarningAsync"/>): their issue and end are owed events of the same outbox, in one order with the
/// alert changes.
/// </para>
/// </summary>
public interface IRuleStore
{
    Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default);

    Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default);

    /// <summary>Creates or replaces the profile of that name.</summary>
    Task PutProfileAsync(Profile profile, CancellationToken ct = default);

    /// <summary>Assigns a profile to a container; <paramref name="container"/>'s Container "*" sets the fleet default.</summary>
    Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default);

    /// <summary>The container's own profile name, else its fleet's default, else null.</summary>
    Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default);

    /// <summary>Every assignment, fleet defaults (Container "*") included: what <see cref="Profiles.ProfileDirectory"/> holds.</summary>
    Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default);

    /// <summary>
    /// A number that changes whenever a profile, an assignment (a fleet default included) or a trip is written, by any
    /// writer of the store, or null when the store cannot tell. The engine reads it once per <c>Rules:ProfileRefresh</c>
    /// instead of each container's assignment and profile (issue 12: at a reading every 5 min, every reading paid those
    /// two look-ups), and looks a container up again only when it changed. Null (the default): every container is
    /// looked up again once per refresh period, as before.
    /// </summary>
    Task<long?> ProfileVersionAsync(CancellationToken ct = default) => Task.FromResult<long?>(null);

    /// <summary>
    /// Opens <paramref name="alert"/> unless an alert with its <see cref="Alert.Key"/> exists (whatever its state): returns
    /// the stored alert and whether it was created now. Replays and duplicates so never open a second alert. Created:
    /// a <see cref="AlertTransition.Raised"/> event at <see cref="Alert.RaisedAt"/> is owed, recorded in the same transaction.
    /// </summary>
    Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default);

    /// <summary>
    /// Replaces a stored alert (every field but its id and key) if it is still at <see cref="Alert.Version"/>, the
    /// version it was read at: returns the stored alert, at its next version. Null when the id is unknown or the alert
    /// was written since it was read (re-read and decide again): a read-modify-write never undoes another writer's change.
    /// The engine and the API use the field-wise methods below, which never conflict; this is for whole-alert edits,
    /// which owe no notification (no event is recorded).
    /// </summary>
    Task<Alert?> UpdateAlertAsync(Alert alert, CancellationToken ct = default);

    /// <summary>
    /// The operator's part of an alert (issue 12: the operator owns acknowledged_*, the engine owns state, resolved_at,
    /// severity and escalations): records who acknowledged it, when and why, unless it was acknowledged before; an open
    /// alert becomes acknowledged, a resolved one stays resolved (the engine resolved it while the operator acknowledged:
    /// both happened, neither is lost). Changed false when it was already acknowledged (the first acknowledgement stands).
    /// Changed: an <see cref="AlertTransition.Acknowledged"/> event at <paramref name="at"/> is owed (same transaction).
    /// </summary>
    Task<AlertChange> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, string? note, CancellationToken ct = default);

    /// <summary>
    /// The engine's resolution: an open or acknowledged alert becomes resolved at <paramref name="at"/>, its
    /// acknowledgement kept. Changed false when it was resolved already. Changed: a <see cref="AlertTransition.Resolved"/>
    /// event at <paramref name="at"/> is owed (same transaction).
    /// </summary>
    Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// The engine's escalation: raises an open alert to <paramref name="severity"/> and counts it, if it is still open and
    /// still escalated <paramref name="seenEscalations"/> times (the count it was read with), so an alert acknowledged or
    /// resolved meanwhile, or escalated by another gateway, is not escalated (or notified) again. Changed: an
    /// <see cref="AlertTransition.Escalated"/> event at <paramref name="at"/> (the engine's time of the escalation) is owed.
    /// </summary>
    Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// The engine's correction of when the condition began (late data moved the excursion's start); nothing else changes.
    /// Not notified (no event).
    /// </summary>
    Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default);

    Task<Alert?> GetAlertAsync(long id, CancellationToken ct = default);

    Task<IReadOnlyList<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default);

    /// <summary>Creates or updates the excursion identified by (container, band, start).</summary>
    Task PutExcursionAsync(Excursion excursion, CancellationToken ct = default);

    /// <summary>
    /// Deletes the excursion identified by (container, tag, band, start); false when there was none. For a record that late
    /// data superseded: an excursion whose start moved earlier is stored under its new start, the old key must go.
    /// </summary>
    Task<bool> DeleteExcursionAsync(ContainerKey container, string tag, string band, DateTimeOffset start, CancellationToken ct = default);

    /// <summary>Excursions of a container overlapping [from, to), oldest first.</summary>
    Task<IReadOnlyList<Excursion>> ListExcursionsAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    /// <summary>Saves the engine's evaluation state of a container (replaces the previous snapshot; its window chunks stay).</summary>
    Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default);

    /// <summary>
    /// Saves several containers' states at once, all or none (one transaction): the engine saves every container a
    /// period touched together, and one commit instead of one per container is most of what saving costs. For each
    /// container: its snapshot replaces the previous one; the chunks of each <see cref="ContainerSnapshot.Ranges"/> tag
    /// outside its range are deleted; each of <see cref="ContainerSnapshot.Chunks"/> replaces the chunk of its tag and
    /// number (or is added). A failure mid-way leaves the store as the previous save left it.
    /// </summary>
    Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default);

    /// <summary>
    /// The last snapshot saved for the container and every window chunk stored for it (in no particular order), read
    /// together (one statement or lock: of one save), or null when no snapshot was saved.
    /// </summary>
    Task<StoredState?> LoadStateAsync(ContainerKey container, CancellationToken ct = default);

    /// <summary>Every container with a saved state (to restart silence timers after a restart).</summary>
    Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default);

    /// <summary>
    /// Starts a trip of <c>trip.Container</c> at <c>trip.Start</c> (its id and end are ignored), ending the trip in
    /// progress there, all or nothing: only after the container's latest trip started and not before it ended
    /// (<see cref="TripRules.MayStart"/>; else <see cref="TripOutcome.Overlaps"/> with that trip). Two writers starting
    /// trips of one container at once: one wins, the other gets <see cref="TripOutcome.Conflict"/>.
    /// </summary>
    Task<TripChange> StartTripAsync(Trip trip, CancellationToken ct = default);

    /// <summary>
    /// Ends the container's trip in progress at <paramref name="end"/> (after its start: else
    /// <see cref="TripOutcome.EndBeforeStart"/>); <see cref="TripOutcome.NoOpenTrip"/> when none is in progress.
    /// </summary>
    Task<TripChange> EndTripAsync(ContainerKey container, DateTimeOffset end, CancellationToken ct = default);

    /// <summary>The container's trips, newest (latest start) first.</summary>
    Task<IReadOnlyList<Trip>> ListTripsAsync(ContainerKey container, CancellationToken ct = default);

    /// <summary>The containers that have at least one trip (most have none: their look-up needs no call).</summary>
    Task<IReadOnlyList<ContainerKey>> ListTripContainersAsync(CancellationToken ct = default);

    /// <summary>One trip of the container; null when the id is unknown or another container's.</summary>
    Task<Trip?> GetTripAsync(ContainerKey container, long id, CancellationToken ct = default);

    /// <summary>
    /// Records a predictive warning's issue or end (issue 12, README.md "Predictive warnings") under its key
    /// (<see cref="WarningNotification.KeyOf"/>: container, tag, kind, band and issue time) and, in the same transaction,
    /// the notification it owes as an <see cref="AlertEvent"/> with <see cref="AlertEvent.Warning"/> set, after every
    /// alert change written before it. Issued: recorded unless a warning of that key was recorded before (issued or
    /// ended). Ended: recorded unless that warning was recorded ended before; a warning never recorded as issued (in force
    /// when the gateway was upgraded to this) is recorded ended. True when it was recorded (a notification is owed);
    /// false for a replay, which so never owes a notification twice. Warnings are kept once ended (their history).
    /// </summary>
    Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default);

    /// <summary>The oldest <paramref name="limit"/> owed notifications, in <see cref="AlertEvent.Seq"/> order; nothing is claimed.</summary>
    Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(int limit, CancellationToken ct = default);

    /// <summary>
    /// One dispatch round: takes the oldest <paramref name="limit"/> owed notifications (seq order), hands them to
    /// <paramref name="deliver"/>, which returns the seqs every sink accepted, and forgets those (they are owed no more);
    /// the rest stay owed. Returns how many were forgotten. At most one round runs at a time per store (PostgreSQL: across
    /// gateways, under a transaction-scoped advisory lock held until the round commits, so an owed notification is handed
    /// out by exactly one gateway; a gateway that dies mid-round leaves its events owed for the next round: at least once).
    /// When <paramref name="deliver"/> throws, nothing is forgotten.
    /// </summary>
    Task<int> DispatchAlertEventsAsync(int limit, Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> deliver,
        CancellationToken ct = default);
}
