using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>
/// Counts the writes (dispatch rounds and warning records included); dies at the chosen one, before it reaches the store
/// or after it is stored (a dispatch round: after the sinks took its notifications, before the store forgot them). Dead,
/// it refuses every later call: the process is gone. <paramref name="crashAt"/> 0: never.
/// </summary>
public sealed class CrashingStore(IRuleStore inner, int crashAt, bool after) : DelegatingRuleStore(inner)
{
    public int Writes { get; private set; }

    public bool Dead { get; private set; }

    public bool CrashedInDispatch { get; private set; }

    private async Task<T> Write<T>(Func<Task<T>> write)
    {
        if (Dead) throw new CrashException();
        bool crash = ++Writes == crashAt;
        if (crash && !after) Die();
        T result = await write();
        if (crash) Die();
        return result;
    }

    private void Die()
    {
        Dead = true;
        throw new CrashException();
    }

    private async Task<T> Read<T>(Func<Task<T>> read) => Dead ? throw new CrashException() : await read();

    public override Task<int> DispatchAlertEventsAsync(int limit,
        Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> deliver, CancellationToken ct = default)
    {
        if (Dead) throw new CrashException();
        if (++Writes != crashAt) return Inner.DispatchAlertEventsAsync(limit, deliver, ct);
        CrashedInDispatch = true;
        if (!after) Die();
        return Inner.DispatchAlertEventsAsync(limit, async (owed, token) =>
        {
            await deliver(owed, token);
            Die();
            return [];
        }, ct);
    }

    public override Task<Alert?> GetAlertAsync(long id, CancellationToken ct = default) => Read(() => Inner.GetAlertAsync(id, ct));

    public override Task<IReadOnlyList<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default) => Read(() => Inner.ListAlertsAsync(query, ct));

    public override Task<StoredState?> LoadStateAsync(ContainerKey container, CancellationToken ct = default) => Read(() => Inner.LoadStateAsync(container, ct));

    private Task Write(Func<Task> write) => Write(async () =>
    {
        await write();
        return true;
    });

    public override Task PutProfileAsync(Profile profile, CancellationToken ct = default) => Write(() => Inner.PutProfileAsync(profile, ct));

    public override Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default) => Write(() => Inner.AssignProfileAsync(container, profile, ct));

    public override Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default) => Write(() => Inner.OpenAlertAsync(alert, ct));

    public override Task<Alert?> UpdateAlertAsync(Alert alert, CancellationToken ct = default) => Write(() => Inner.UpdateAlertAsync(alert, ct));

    public override Task<AlertChange> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, string? note, CancellationToken ct = default) =>
        Write(() => Inner.AcknowledgeAlertAsync(id, by, at, note, ct));

    public override Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default) => Write(() => Inner.ResolveAlertAsync(id, at, ct));

    public override Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, CancellationToken ct = default) =>
        Write(() => Inner.EscalateAlertAsync(id, seenEscalations, severity, at, ct));

    public override Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default) => Write(() => Inner.MoveAlertSinceAsync(id, since, ct));

    public override Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default) =>
        Write(() => Inner.RecordWarningAsync(notification, ct));

    public override Task PutExcursionAsync(Excursion excursion, CancellationToken ct = default) => Write(() => Inner.PutExcursionAsync(excursion, ct));

    public override Task<bool> DeleteExcursionAsync(ContainerKey container, string tag, string band, DateTimeOffset start, CancellationToken ct = default) =>
        Write(() => Inner.DeleteExcursionAsync(container, tag, band, start, ct));

    public override Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default) => Write(() => Inner.SaveStateAsync(container, state, ct));

    public override Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default) => Write(() => Inner.SaveStatesAsync(states, ct));
}
