using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Shared;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// The engine's alert writes (and predictive warning records) with a fencing token (shared mode, PostgreSQL): as the
/// <see cref="IRuleStore"/> methods of the same name, but each first locks the partition's position row (shared, so alert
/// writes do not wait for each other; a takeover's epoch raise waits for them) and writes nothing when its epoch is no
/// longer <see cref="AlertFence.Epoch"/>: a former owner that lost its lease without noticing cannot open, resolve,
/// escalate or move an alert, nor record a warning, any more.
/// </summary>
/// <exception cref="LeaseLostException">The partition was taken over: nothing was written, no event recorded.</exception>
public interface IFencedAlertStore
{
    Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, AlertFence fence, CancellationToken ct = default);

    Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, AlertFence fence, CancellationToken ct = default);

    Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, AlertFence fence, CancellationToken ct = default);

    Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, AlertFence fence, CancellationToken ct = default);

    /// <summary>A predictive warning's issue or end (<see cref="IRuleStore.RecordWarningAsync"/>): only the owner records them.</summary>
    Task<bool> RecordWarningAsync(WarningNotification notification, AlertFence fence, CancellationToken ct = default);
}
