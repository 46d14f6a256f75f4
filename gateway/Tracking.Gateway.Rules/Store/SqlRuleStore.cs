using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Trips;
using Tracking.Gateway.Rules.Shared;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// <see cref="IRuleStore"/> over SQL, shared by the SQLite and PostgreSQL stores: the statements are the subset both
/// speak (INSERT ... ON CONFLICT, RETURNING, LIMIT), the dialects differ only in their DDL, how a connection is opened
/// and how a migration locks out other gateways. Every method is one statement (or one statement that decides and a
/// read), so it is atomic without an explicit transaction. Times are stored as UTC ticks (100 ns, exact; ordering as
/// integers is ordering in time) and read back with offset zero: equal instants, as <see cref="DateTimeOffset"/>
/// compares them. Enums are stored by name so that a stored row does not depend on their numbering.
/// </summary>
public abstract class SqlRuleStore : IRuleStore, IFencedAlertStore, IAsyncDisposable, IDisposable
{
    private const string FleetDefault = ContainerKey.FleetDefault;

    /// <summary>Every alert column but the id the database assigns, in <see cref="ReadAlert"/>'s order after it.</summary>
    private const string AlertColumnsButId =
        "key, fleet, container, kind, band, severity, state, since_ticks, raised_at_ticks, late_ticks, value, limit_value, message, "
        + "acknowledged_by, acknowledged_at_ticks, acknowledge_note, resolved_at_ticks, escalations, tag";

    /// <summary>Every alert column, in <see cref="ReadAlert"/>'s order (the version, which only the store writes, last).</summary>
    private const string AlertColumns = "id, " + AlertColumnsButId + ", version";

    private const string ExcursionColumns = "fleet, container, tag, band, start_ticks, end_ticks, peak, duration_ticks, trip_id";

    private const string TripColumns = "id, fleet, container, start_ticks, end_ticks, reference, profile, created_at_ticks";

    private readonly IReadOnlyList<SqlMigration> _migrations;
    private readonly SemaphoreSlim _dispatching = new(1, 1);

    private protected SqlRuleStore(IReadOnlyList<SqlMigration> migrations, ILogger logger)
    {
        CheckOrdered(migrations);
        _migrations = migrations;
        Logger = logger;
    }

    /// <summary>The newest schema version this code knows.</summary>
    public int KnownSchemaVersion => _migrations[^1].Version;

    /// <summary>Where the data lives, for messages: a file path or host:port/database (never a password).</summary>
    public abstract string Location { get; }

    private protected ILogger Logger { get; }

    /// <summary>A name for messages: sqlite or postgres.</summary>
    private protected abstract string Kind { get; }

    public Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default) =>
        RunAsync<Profile?>(async connection =>
        {
            await using DbCommand command = Command(connection, "SELECT json FROM profiles WHERE name = @name");
            Add(command, "@name", name);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is string json ? ProfileJson.Deserialize(json) : null;
        }, ct);

    public Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<Profile>>(async connection =>
        {
            await using DbCommand command = Command(connection, $"SELECT json FROM profiles ORDER BY name {OrdinalCollation}");
            var profiles = new List<Profile>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) profiles.Add(ProfileJson.Deserialize(reader.GetString(0)));
            return profiles;
        }, ct);

    public Task PutProfileAsync(Profile profile, CancellationToken ct = default) =>
        RunAsync(async connection =>
        {
            await using DbCommand command = Command(connection,
                "INSERT INTO profiles (name, json) VALUES (@name, @json) ON CONFLICT (name) DO UPDATE SET json = excluded.json");
            Add(command, "@name", profile.Name);
            Add(command, "@json", ProfileJson.Serialize(profile));
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    public Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default) =>
        RunAsync(async connection =>
        {
            await using DbCommand command = Command(connection,
                "INSERT INTO assignments (fleet, container, profile) VALUES (@fleet, @container, @profile) "
                + "ON CONFLICT (fleet, container) DO UPDATE SET profile = excluded.profile");
            AddContainer(command, container);
            Add(command, "@profile", profile);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <summary>
    /// The version the dialect's triggers keep in <c>profile_changes</c> (SQLite, schema 3 on); null where there is none
    /// (PostgreSQL: the engine then looks each container up again every refresh period).
    /// </summary>
    public Task<long?> ProfileVersionAsync(CancellationToken ct = default) =>
        !TracksProfileChanges ? Task.FromResult<long?>(null) : RunAsync<long?>(async connection =>
        {
            await using DbCommand command = Command(connection, "SELECT version FROM profile_changes WHERE id = 1");
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long version ? version : null;
        }, ct);

    /// <summary>Whether this dialect's schema has the <c>profile_changes</c> table and its triggers.</summary>
    private protected virtual bool TracksProfileChanges => false;

    public Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default) =>
        RunAsync<string?>(async connection =>
        {
            // The container's own row sorts before the fleet default ('*' is never a container number).
            await using DbCommand command = Command(connection,
                "SELECT profile FROM assignments WHERE fleet = @fleet AND (container = @container OR container = @default) "
                + "ORDER BY CASE WHEN container = @default THEN 1 ELSE 0 END LIMIT 1");
            AddContainer(command, container);
            Add(command, "@default", FleetDefault);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }, ct);

    public Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<ProfileAssignment>>(async connection =>
        {
            await using DbCommand command = Command(connection, "SELECT fleet, container, profile FROM assignments");
            var assignments = new List<ProfileAssignment>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                assignments.Add(new ProfileAssignment(new ContainerKey(reader.GetString(0), reader.GetString(1)), reader.GetString(2)));
            }
            return assignments;
        }, ct);

    public Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default) => OpenAlertCoreAsync(alert, null, ct);

    public Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, AlertFence fence, CancellationToken ct = default) =>
        OpenAlertCoreAsync(alert, fence, ct);

    private Task<(Alert Alert, bool Created)> OpenAlertCoreAsync(Alert alert, AlertFence? fence, CancellationToken ct) =>
        RunAsync<(Alert Alert, bool Created)>(async connection =>
        {
            // One transaction: the alert and the notification it owes are stored together or not at all (the outbox).
            await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await FenceAsync(connection, transaction, fence, ct).ConfigureAwait(false);
            // The unique key decides, in the database: of two gateways opening the same alert at once exactly one inserts,
            // the other's insert does nothing (PostgreSQL makes it wait for the first to commit) and it reads that row.
            await using (DbCommand insert = Command(connection,
                $"INSERT INTO alerts ({AlertColumnsButId}) VALUES (@key, @fleet, @container, @kind, @band, @severity, @state, @since, "
                + "@raised_at, @late, @value, @limit_value, @message, @acknowledged_by, @acknowledged_at, @acknowledge_note, @resolved_at, "
                + "@escalations, @tag) ON CONFLICT (key) DO NOTHING RETURNING id", transaction))
            {
                AddAlert(insert, alert);
                Add(insert, "@key", alert.Key);
                if (await insert.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } id and not DBNull)
                {
                    Alert created = alert with { Id = Convert.ToInt64(id, CultureInfo.InvariantCulture), Version = 0 };
                    await OweAsync(connection, transaction, AlertTransition.Raised, created, created.RaisedAt, ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return (created, true);
                }
            }

            await using DbCommand select = Command(connection, $"SELECT {AlertColumns} FROM alerts WHERE key = @key", transaction);
            Add(select, "@key", alert.Key);
            Alert existing = await ReadSingleAlertAsync(select, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"alert key '{alert.Key}' conflicted but no alert has it in {Location}");
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return (existing, false);
        }, ct);

    public Task<Alert?> UpdateAlertAsync(Alert alert, CancellationToken ct = default) =>
        RunAsync<Alert?>(async connection =>
        {
            // Every column but id and key: the key names what the alert is about and never changes. Only at the version
            // the caller read (issue 12: a stale read-modify-write undid an acknowledgement or reopened a resolved alert).
            await using DbCommand command = Command(connection,
                "UPDATE alerts SET fleet = @fleet, container = @container, tag = @tag, kind = @kind, band = @band, severity = @severity, "
                + "state = @state, "
                + "since_ticks = @since, raised_at_ticks = @raised_at, late_ticks = @late, value = @value, limit_value = @limit_value, "
                + "message = @message, acknowledged_by = @acknowledged_by, acknowledged_at_ticks = @acknowledged_at, "
                + "acknowledge_note = @acknowledge_note, resolved_at_ticks = @resolved_at, escalations = @escalations, "
                + "version = version + 1 WHERE id = @id AND version = @version RETURNING key");
            AddAlert(command, alert);
            Add(command, "@id", alert.Id);
            Add(command, "@version", alert.Version);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is string key
                ? alert with { Key = key, Version = alert.Version + 1 }
                : null;
        }, ct);

    // Field-wise, conditional writes (issue 12): each touches only the columns its party owns, and its WHERE decides on the
    // row as it is when the statement runs (the row lock in PostgreSQL, the single writer in SQLite), so an acknowledgement
    // and a resolution racing each other, on one gateway or two, both take effect whatever their order.

    public Task<AlertChange> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, string? note, CancellationToken ct = default) =>
        ChangeAlertAsync(id,
            "acknowledged_by = @by, acknowledged_at_ticks = @at, acknowledge_note = @note, "
            + "state = CASE WHEN state = 'open' THEN 'acknowledged' ELSE state END",
            "acknowledged_at_ticks IS NULL",
            command =>
            {
                Add(command, "@by", by);
                Add(command, "@at", at.UtcTicks);
                Add(command, "@note", note);
            }, AlertTransition.Acknowledged, at, null, ct);

    public Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default) => Resolve(id, at, null, ct);

    public Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, AlertFence fence, CancellationToken ct = default) => Resolve(id, at, fence, ct);

    private Task<AlertChange> Resolve(long id, DateTimeOffset at, AlertFence? fence, CancellationToken ct) =>
        ChangeAlertAsync(id, "state = 'resolved', resolved_at_ticks = @at", "state <> 'resolved'",
            command => Add(command, "@at", at.UtcTicks), AlertTransition.Resolved, at, fence, ct);

    public Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, CancellationToken ct = default) =>
        Escalate(id, seenEscalations, severity, at, null, ct);

    public Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, AlertFence fence,
        CancellationToken ct = default) => Escalate(id, seenEscalations, severity, at, fence, ct);

    private Task<AlertChange> Escalate(long id, int seenEscalations, Severity severity, DateTimeOffset at, AlertFence? fence, CancellationToken ct) =>
        ChangeAlertAsync(id, "severity = @severity, escalations = escalations + 1", "state = 'open' AND escalations = @seen",
            command =>
            {
                Add(command, "@severity", Name(severity));
                Add(command, "@seen", (long)seenEscalations);
            }, AlertTransition.Escalated, at, fence, ct);

    public Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default) => MoveSince(id, since, null, ct);

    public Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, AlertFence fence, CancellationToken ct = default) =>
        MoveSince(id, since, fence, ct);

    private Task<AlertChange> MoveSince(long id, DateTimeOffset since, AlertFence? fence, CancellationToken ct) =>
        ChangeAlertAsync(id, "since_ticks = @since", "1 = 1", command => Add(command, "@since", since.UtcTicks), null, default, fence, ct);

    /// <summary>
    /// UPDATE alerts SET <paramref name="set"/> WHERE id = @id AND <paramref name="when"/>, bumping the version: the row
    /// after it, changed; else the row as it is (unchanged), or null for an unknown id. A change with a
    /// <paramref name="transition"/> records the notification it owes in the same transaction (the outbox); with a
    /// <paramref name="fence"/>, only while the partition's epoch is the fence's.
    /// </summary>
    private Task<AlertChange> ChangeAlertAsync(long id, string set, string when, Action<DbCommand> parameters, AlertTransition? transition,
        DateTimeOffset at, AlertFence? fence, CancellationToken ct) =>
        RunAsync<AlertChange>(async connection =>
        {
            await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await FenceAsync(connection, transaction, fence, ct).ConfigureAwait(false);
            await using (DbCommand update = Command(connection,
                $"UPDATE alerts SET {set}, version = version + 1 WHERE id = @id AND {when} RETURNING {AlertColumns}", transaction))
            {
                Add(update, "@id", id);
                parameters(update);
                if (await ReadSingleAlertAsync(update, ct).ConfigureAwait(false) is { } changed)
                {
                    if (transition is { } t) await OweAsync(connection, transaction, t, changed, at, ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return new AlertChange(changed, true);
                }
            }
            await using DbCommand select = Command(connection, $"SELECT {AlertColumns} FROM alerts WHERE id = @id", transaction);
            Add(select, "@id", id);
            Alert? current = await ReadSingleAlertAsync(select, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new AlertChange(current, false);
        }, ct);

    /// <summary>
    /// The dialect's statement that reads a partition's epoch (parameter @partition) and locks its row against a takeover
    /// until the transaction ends; null where there is no shared mode (SQLite).
    /// </summary>
    private protected virtual string? FenceSql => null;

    /// <summary>
    /// The dialect's statement that makes a dispatch round exclusive across processes until its transaction ends; null
    /// where one process owns the store (SQLite: the in-process lock is enough).
    /// </summary>
    private protected virtual string? DispatchLockSql => null;

    private async Task FenceAsync(DbConnection connection, DbTransaction transaction, AlertFence? fence, CancellationToken ct)
    {
        if (fence is not { } f) return;
        string sql = FenceSql ?? throw new NotSupportedException($"a {Kind} rule store has no shared mode: alert writes cannot be fenced");
        await using DbCommand command = Command(connection, sql, transaction);
        Add(command, "@partition", (long)f.Partition);
        object? epoch = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        if (epoch is null or DBNull || Convert.ToInt64(epoch, CultureInfo.InvariantCulture) != f.Epoch) throw new LeaseLostException(f.Partition);
    }

    /// <summary>Records the notification a change owes, in the change's transaction.</summary>
    private static async Task OweAsync(DbConnection connection, DbTransaction transaction, AlertTransition transition, Alert alert, DateTimeOffset at,
        CancellationToken ct)
    {
        await using DbCommand command = Command(connection,
            "INSERT INTO alert_events (alert_id, transition, at_ticks, alert) VALUES (@alert_id, @transition, @at, @alert)", transaction);
        Add(command, "@alert_id", alert.Id);
        Add(command, "@transition", Name(transition));
        Add(command, "@at", at.UtcTicks);
        Add(command, "@alert", AlertEventJson.Serialize(alert));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default) =>
        RecordWarning(notification, null, ct);

    public Task<bool> RecordWarningAsync(WarningNotification notification, AlertFence fence, CancellationToken ct = default) =>
        RecordWarning(notification, fence, ct);

    /// <summary>
    /// The warning's row by its key and the notification it owes, in one transaction (the outbox). An issue inserts the row
    /// unless the key is there; an end inserts it ended or ends the row in force (ON CONFLICT ... DO UPDATE ... WHERE): a
    /// replay of either finds the row as it left it and changes nothing, and of two gateways recording at once one does.
    /// </summary>
    private Task<bool> RecordWarning(WarningNotification notification, AlertFence? fence, CancellationToken ct) =>
        RunAsync<bool>(async connection =>
        {
            await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await FenceAsync(connection, transaction, fence, ct).ConfigureAwait(false);
            bool issued = notification.Transition == WarningTransition.Issued;
            await using DbCommand record = Command(connection,
                "INSERT INTO warnings (key, fleet, container, tag, band, issued_ticks, recorded_at_ticks, ended_at_ticks, reason, warning) "
                + "VALUES (@key, @fleet, @container, @tag, @band, @issued, @recorded_at, @ended_at, @reason, @warning) "
                + (issued
                    ? "ON CONFLICT (key) DO NOTHING"
                    : "ON CONFLICT (key) DO UPDATE SET ended_at_ticks = excluded.ended_at_ticks, reason = excluded.reason, "
                        + "warning = excluded.warning WHERE warnings.ended_at_ticks IS NULL")
                + " RETURNING id", transaction);
            PredictiveWarning w = notification.Warning;
            string json = AlertEventJson.SerializeWarning(w);
            Add(record, "@key", WarningNotification.KeyOf(w));
            AddContainer(record, w.Container);
            Add(record, "@tag", w.Tag);
            Add(record, "@band", w.Band);
            Add(record, "@issued", w.IssuedAt.UtcTicks);
            Add(record, "@recorded_at", issued ? notification.At.UtcTicks : null);
            Add(record, "@ended_at", issued ? null : notification.At.UtcTicks);
            Add(record, "@reason", notification.Reason);
            Add(record, "@warning", json);
            object? id = await record.ExecuteScalarAsync(ct).ConfigureAwait(false);
            if (id is null or DBNull)
            {
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return false;
            }
            await using DbCommand owe = Command(connection,
                "INSERT INTO alert_events (alert_id, transition, at_ticks, alert, kind, reason) "
                + "VALUES (@id, @transition, @at, @warning, 'warning', @reason)", transaction);
            Add(owe, "@id", Convert.ToInt64(id, CultureInfo.InvariantCulture));
            Add(owe, "@transition", Name(notification.Transition));
            Add(owe, "@at", notification.At.UtcTicks);
            Add(owe, "@warning", json);
            Add(owe, "@reason", notification.Reason);
            await owe.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, ct);

    public async Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(int limit, CancellationToken ct = default)
    {
        if (limit <= 0) return [];
        return await RunAsync(connection => ReadEventsAsync(connection, null, limit, ct), ct).ConfigureAwait(false);
    }

    public async Task<int> DispatchAlertEventsAsync(int limit,
        Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> deliver, CancellationToken ct = default)
    {
        if (limit <= 0) return 0;
        // One round at a time in this process; across processes the dialect's lock (PostgreSQL) holds until the commit.
        await _dispatching.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await RunAsync<int>(async connection =>
            {
                await using DbTransaction? exclusive = DispatchLockSql is null ? null : await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                if (exclusive is not null)
                {
                    await using DbCommand take = Command(connection, DispatchLockSql!, exclusive);
                    await take.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                // Read after the lock is held: a round that waited for another sees what that one left owed, nothing it forgot.
                IReadOnlyList<AlertEvent> owed = await ReadEventsAsync(connection, exclusive, limit, ct).ConfigureAwait(false);
                if (owed.Count == 0)
                {
                    if (exclusive is not null) await exclusive.CommitAsync(ct).ConfigureAwait(false);
                    return 0;
                }
                IReadOnlyCollection<long> delivered = await deliver(owed, ct).ConfigureAwait(false);
                int forgotten = 0;
                // SQLite: the write transaction begins only now, after delivery, so the sinks never hold the file's write lock.
                await using DbTransaction transaction = exclusive ?? await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (DbCommand forget = Command(connection, "DELETE FROM alert_events WHERE seq = @seq", transaction))
                {
                    Add(forget, "@seq", 0L);
                    foreach (long seq in delivered)
                    {
                        forget.Parameters[0].Value = seq;
                        forgotten += await forget.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                }
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return forgotten;
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            _dispatching.Release();
        }
    }

    private static async Task<IReadOnlyList<AlertEvent>> ReadEventsAsync(DbConnection connection, DbTransaction? transaction, int limit, CancellationToken ct)
    {
        await using DbCommand command = Command(connection,
            "SELECT seq, transition, at_ticks, alert, kind, reason FROM alert_events ORDER BY seq LIMIT @limit", transaction);
        Add(command, "@limit", (long)limit);
        var events = new List<AlertEvent>();
        await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            long seq = reader.GetInt64(0);
            DateTimeOffset at = Time(reader.GetInt64(2));
            events.Add(reader.GetString(4) == "warning"
                ? new AlertEvent(seq, null, new WarningNotification(Enum.Parse<WarningTransition>(reader.GetString(1), ignoreCase: true),
                    AlertEventJson.DeserializeWarning(reader.GetString(3)), at, reader.IsDBNull(5) ? null : reader.GetString(5)))
                : new AlertEvent(seq, new AlertNotification(Enum.Parse<AlertTransition>(reader.GetString(1), ignoreCase: true),
                    AlertEventJson.Deserialize(reader.GetString(3)), at)));
        }
        return events;
    }

    public Task<Alert?> GetAlertAsync(long id, CancellationToken ct = default) =>
        RunAsync<Alert?>(async connection =>
        {
            await using DbCommand command = Command(connection, $"SELECT {AlertColumns} FROM alerts WHERE id = @id");
            Add(command, "@id", id);
            return await ReadSingleAlertAsync(command, ct).ConfigureAwait(false);
        }, ct);

    public async Task<IReadOnlyList<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default)
    {
        // LIMIT -1 means "no limit" to SQLite and is an error to PostgreSQL; Take(0 or less) is nothing.
        if (query.Limit <= 0) return [];
        return await RunAsync<IReadOnlyList<Alert>>(async connection =>
        {
            var sql = new StringBuilder($"SELECT {AlertColumns} FROM alerts WHERE 1 = 1");
            await using DbCommand command = connection.CreateCommand();
            if (query.State is { } state)
            {
                sql.Append(" AND state = @state");
                Add(command, "@state", Name(state));
            }
            if (query.Fleet is { } fleet)
            {
                sql.Append(" AND fleet = @fleet");
                Add(command, "@fleet", fleet);
            }
            if (query.Container is { } container)
            {
                sql.Append(" AND container = @container");
                Add(command, "@container", container);
            }
            sql.Append(" ORDER BY raised_at_ticks DESC, id DESC LIMIT @limit");
            Add(command, "@limit", (long)query.Limit);
            command.CommandText = sql.ToString();
            var alerts = new List<Alert>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) alerts.Add(ReadAlert(reader));
            return alerts;
        }, ct).ConfigureAwait(false);
    }

    public Task PutExcursionAsync(Excursion excursion, CancellationToken ct = default) =>
        RunAsync(async connection =>
        {
            // A row stored before tags were recorded (tag '', migration "excursions.tag") is this excursion under its old
            // key: replaced, so an excursion open across the upgrade is not listed twice.
            await using DbCommand command = Command(connection,
                $"INSERT INTO excursions ({ExcursionColumns}) VALUES (@fleet, @container, @tag, @band, @start, @end, @peak, @duration, @trip) "
                + "ON CONFLICT (fleet, container, tag, band, start_ticks) DO UPDATE SET end_ticks = excluded.end_ticks, peak = excluded.peak, "
                + "duration_ticks = excluded.duration_ticks, trip_id = excluded.trip_id; "
                + "DELETE FROM excursions WHERE fleet = @fleet AND container = @container AND tag = '' AND @tag <> '' "
                + "AND band = @band AND start_ticks = @start");
            AddContainer(command, excursion.Container);
            Add(command, "@tag", excursion.Tag);
            Add(command, "@band", excursion.Band);
            Add(command, "@start", excursion.Start.UtcTicks);
            Add(command, "@end", excursion.End?.UtcTicks);
            Add(command, "@peak", excursion.Peak);
            Add(command, "@duration", excursion.Duration.Ticks);
            Add(command, "@trip", excursion.Trip);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    public Task<bool> DeleteExcursionAsync(ContainerKey container, string tag, string band, DateTimeOffset start, CancellationToken ct = default) =>
        RunAsync<bool>(async connection =>
        {
            await using DbCommand command = Command(connection,
                "DELETE FROM excursions WHERE fleet = @fleet AND container = @container AND tag = @tag AND band = @band AND start_ticks = @start");
            AddContainer(command, container);
            Add(command, "@tag", tag);
            Add(command, "@band", band);
            Add(command, "@start", start.UtcTicks);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, ct);

    public Task<IReadOnlyList<Excursion>> ListExcursionsAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<Excursion>>(async connection =>
        {
            await using DbCommand command = Command(connection,
                $"SELECT {ExcursionColumns} FROM excursions WHERE fleet = @fleet AND container = @container AND start_ticks < @to "
                + $"AND (end_ticks IS NULL OR end_ticks > @from) ORDER BY start_ticks, band {OrdinalCollation}, tag {OrdinalCollation}");
            AddContainer(command, container);
            Add(command, "@from", from.UtcTicks);
            Add(command, "@to", to.UtcTicks);
            var excursions = new List<Excursion>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                excursions.Add(new Excursion
                {
                    Container = new ContainerKey(reader.GetString(0), reader.GetString(1)),
                    Tag = reader.GetString(2),
                    Band = reader.GetString(3),
                    Start = Time(reader.GetInt64(4)),
                    End = reader.IsDBNull(5) ? null : Time(reader.GetInt64(5)),
                    Peak = reader.GetDouble(6),
                    Duration = TimeSpan.FromTicks(reader.GetInt64(7)),
                    Trip = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                });
            }
            return excursions;
        }, ct);

    public Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default) =>
        RunAsync(async connection =>
        {
            await using DbCommand command = Command(connection,
                "INSERT INTO container_states (fleet, container, state) VALUES (@fleet, @container, @state) "
                + "ON CONFLICT (fleet, container) DO UPDATE SET state = excluded.state");
            AddContainer(command, container);
            Add(command, "@state", state.ToArray());
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    public Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default) =>
        states.Count == 0 ? Task.CompletedTask : RunAsync(async connection =>
        {
            // One transaction for all: a commit per container (an fsync each in SQLite's WAL with synchronous=FULL, a round
            // trip each in PostgreSQL) was most of the rules' CPU at high rates.
            await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await WriteStatesAsync(connection, transaction, states, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <summary>
    /// Writes the states, their chunk prunes and their chunks in <paramref name="transaction"/> (committed by the caller):
    /// here with one prepared statement each, reused for every row; a dialect may write them its own faster way.
    /// </summary>
    private protected virtual async Task WriteStatesAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<ContainerSnapshot> states, CancellationToken ct)
    {
        await using DbCommand command = Command(connection,
            "INSERT INTO container_states (fleet, container, state) VALUES (@fleet, @container, @state) "
            + "ON CONFLICT (fleet, container) DO UPDATE SET state = excluded.state", transaction);
        Add(command, "@fleet", "");
        Add(command, "@container", "");
        Add(command, "@state", Array.Empty<byte>());
        // The window chunks' statements, made at their first use: most saves prune nothing.
        DbCommand? prune = null, chunk = null;
        try
        {
            foreach (ContainerSnapshot snapshot in states)
            {
                command.Parameters[0].Value = snapshot.Container.Fleet;
                command.Parameters[1].Value = snapshot.Container.Container;
                // The slice of the engine's one snapshot buffer itself (both providers bind a ReadOnlyMemory<byte>): a copy
                // per container and save was about a third of what the rules allocate per message in bench ingest (issue 12).
                command.Parameters[2].Value = snapshot.State;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                for (int i = 0; i < snapshot.Ranges.Length; i++)
                {
                    ChunkRange range = snapshot.Ranges.Span[i];
                    prune ??= ChunkCommand(connection, transaction,
                        "DELETE FROM window_chunks WHERE fleet = @fleet AND container = @container AND tag = @tag AND (chunk < @chunk OR chunk > @last)",
                        "@last", 0L);
                    SetChunkKey(prune, snapshot.Container, range.Tag, range.First);
                    prune.Parameters[4].Value = range.Last;
                    await prune.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                for (int i = 0; i < snapshot.Chunks.Length; i++)
                {
                    WindowChunk piece = snapshot.Chunks.Span[i];
                    chunk ??= ChunkCommand(connection, transaction,
                        "INSERT INTO window_chunks (fleet, container, tag, chunk, samples) VALUES (@fleet, @container, @tag, @chunk, @samples) "
                        + "ON CONFLICT (fleet, container, tag, chunk) DO UPDATE SET samples = excluded.samples",
                        "@samples", Array.Empty<byte>());
                    SetChunkKey(chunk, snapshot.Container, piece.Tag, piece.Number);
                    chunk.Parameters[4].Value = piece.Samples;
                    await chunk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (prune is not null) await prune.DisposeAsync().ConfigureAwait(false);
            if (chunk is not null) await chunk.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A window chunk statement with parameters @fleet, @container, @tag, @chunk and <paramref name="last"/>.</summary>
    private static DbCommand ChunkCommand(DbConnection connection, DbTransaction transaction, string sql, string last, long number) =>
        ChunkCommand(connection, transaction, sql, last, (object)number, DbType.Int64);

    private static DbCommand ChunkCommand(DbConnection connection, DbTransaction transaction, string sql, string last, byte[] samples) =>
        ChunkCommand(connection, transaction, sql, last, samples, DbType.Binary);

    private static DbCommand ChunkCommand(DbConnection connection, DbTransaction transaction, string sql, string last, object value, DbType type)
    {
        DbCommand command = Command(connection, sql, transaction);
        Add(command, "@fleet", "");
        Add(command, "@container", "");
        Add(command, "@tag", "");
        Add(command, "@chunk", 0L);
        Add(command, last, value, type);
        return command;
    }

    private static void SetChunkKey(DbCommand command, ContainerKey container, string tag, long number)
    {
        command.Parameters[0].Value = container.Fleet;
        command.Parameters[1].Value = container.Container;
        command.Parameters[2].Value = tag;
        command.Parameters[3].Value = number;
    }

    public Task<StoredState?> LoadStateAsync(ContainerKey container, CancellationToken ct = default) =>
        RunAsync<StoredState?>(async connection =>
        {
            // One statement for the snapshot and the chunks: it reads one committed state of both (PostgreSQL's read
            // committed takes a snapshot per statement), so a save by another gateway between two reads cannot pair a
            // snapshot with chunks of another save. The snapshot is the row with chunk -1 (chunk numbers are never negative).
            await using DbCommand command = Command(connection,
                "SELECT '' AS tag, -1 AS chunk, state FROM container_states WHERE fleet = @fleet AND container = @container "
                + "UNION ALL SELECT tag, chunk, samples FROM window_chunks WHERE fleet = @fleet AND container = @container");
            AddContainer(command, container);
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            byte[]? state = null;
            List<WindowChunk> chunks = [];
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                // An empty blob is a blob: SQLite may hand back NULL for a zero-length one.
                byte[] bytes = reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2);
                long number = reader.GetInt64(1);
                if (number < 0) state = bytes;
                else chunks.Add(new WindowChunk(reader.GetString(0), number, bytes));
            }
            // Chunks without a snapshot (none is ever deleted, but a half-restored database): nothing was saved.
            return state is null ? null : new StoredState(state, chunks);
        }, ct);

    public Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<ContainerKey>>(async connection =>
        {
            await using DbCommand command = Command(connection,
                $"SELECT fleet, container FROM container_states ORDER BY fleet {OrdinalCollation}, container {OrdinalCollation}");
            var containers = new List<ContainerKey>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                containers.Add(new ContainerKey(reader.GetString(0), reader.GetString(1)));
            }
            return containers;
        }, ct);

    public Task<TripChange> StartTripAsync(Trip trip, CancellationToken ct = default) =>
        RunAsync<TripChange>(async connection =>
        {
            // One transaction: the check against the latest trip and the writes (SQLite's is IMMEDIATE, the file's write lock
            // held throughout). In PostgreSQL a racing start sees the same latest trip: its end is set only where still
            // null (no rows: the other start won) and the open-trip index refuses a second open trip: Conflict either way.
            await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            Trip? latest;
            await using (DbCommand select = Command(connection,
                $"SELECT {TripColumns} FROM trips WHERE fleet = @fleet AND container = @container ORDER BY start_ticks DESC LIMIT 1", transaction))
            {
                AddContainer(select, trip.Container);
                latest = await ReadSingleTripAsync(select, ct).ConfigureAwait(false);
            }
            if (!TripRules.MayStart(latest, trip.Start)) return new TripChange(TripOutcome.Overlaps, latest);
            try
            {
                Trip? ended = null;
                if (latest is { End: null })
                {
                    await using DbCommand end = Command(connection, "UPDATE trips SET end_ticks = @end WHERE id = @id AND end_ticks IS NULL", transaction);
                    Add(end, "@end", trip.Start.UtcTicks);
                    Add(end, "@id", latest.Id);
                    if (await end.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return new TripChange(TripOutcome.Conflict, latest);
                    ended = latest with { End = trip.Start };
                }
                await using DbCommand insert = Command(connection,
                    "INSERT INTO trips (fleet, container, start_ticks, end_ticks, reference, profile, created_at_ticks) "
                    + "VALUES (@fleet, @container, @start, NULL, @reference, @profile, @created) RETURNING id", transaction);
                AddContainer(insert, trip.Container);
                Add(insert, "@start", trip.Start.UtcTicks);
                Add(insert, "@reference", trip.Reference);
                Add(insert, "@profile", trip.Profile);
                Add(insert, "@created", trip.CreatedAt.UtcTicks);
                long id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return new TripChange(TripOutcome.Done, trip with { Id = id, End = null }, ended);
            }
            catch (DbException e) when (IsUniqueViolation(e))
            {
                return new TripChange(TripOutcome.Conflict, latest);
            }
        }, ct);

    public Task<TripChange> EndTripAsync(ContainerKey container, DateTimeOffset end, CancellationToken ct = default) =>
        RunAsync<TripChange>(async connection =>
        {
            await using DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            Trip? open;
            await using (DbCommand select = Command(connection,
                $"SELECT {TripColumns} FROM trips WHERE fleet = @fleet AND container = @container AND end_ticks IS NULL", transaction))
            {
                AddContainer(select, container);
                open = await ReadSingleTripAsync(select, ct).ConfigureAwait(false);
            }
            if (open is null) return new TripChange(TripOutcome.NoOpenTrip, null);
            if (!TripRules.MayEnd(open, end)) return new TripChange(TripOutcome.EndBeforeStart, open);
            await using DbCommand update = Command(connection, "UPDATE trips SET end_ticks = @end WHERE id = @id AND end_ticks IS NULL", transaction);
            Add(update, "@end", end.UtcTicks);
            Add(update, "@id", open.Id);
            if (await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0) return new TripChange(TripOutcome.Conflict, open);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new TripChange(TripOutcome.Done, open with { End = end });
        }, ct);

    public Task<IReadOnlyList<Trip>> ListTripsAsync(ContainerKey container, CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<Trip>>(async connection =>
        {
            await using DbCommand command = Command(connection,
                $"SELECT {TripColumns} FROM trips WHERE fleet = @fleet AND container = @container ORDER BY start_ticks DESC");
            AddContainer(command, container);
            var trips = new List<Trip>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) trips.Add(ReadTrip(reader));
            return trips;
        }, ct);

    public Task<IReadOnlyList<ContainerKey>> ListTripContainersAsync(CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<ContainerKey>>(async connection =>
        {
            await using DbCommand command = Command(connection, "SELECT DISTINCT fleet, container FROM trips");
            var containers = new List<ContainerKey>();
            await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) containers.Add(new ContainerKey(reader.GetString(0), reader.GetString(1)));
            return containers;
        }, ct);

    public Task<Trip?> GetTripAsync(ContainerKey container, long id, CancellationToken ct = default) =>
        RunAsync<Trip?>(async connection =>
        {
            await using DbCommand command = Command(connection,
                $"SELECT {TripColumns} FROM trips WHERE id = @id AND fleet = @fleet AND container = @container");
            AddContainer(command, container);
            Add(command, "@id", id);
            return await ReadSingleTripAsync(command, ct).ConfigureAwait(false);
        }, ct);

    private static async Task<Trip?> ReadSingleTripAsync(DbCommand command, CancellationToken ct)
    {
        await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadTrip(reader) : null;
    }

    /// <summary>One row selected with <see cref="TripColumns"/>, in that order.</summary>
    private static Trip ReadTrip(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Container = new ContainerKey(reader.GetString(1), reader.GetString(2)),
        Start = Time(reader.GetInt64(3)),
        End = reader.IsDBNull(4) ? null : Time(reader.GetInt64(4)),
        Reference = reader.IsDBNull(5) ? null : reader.GetString(5),
        Profile = reader.IsDBNull(6) ? null : reader.GetString(6),
        CreatedAt = Time(reader.GetInt64(7)),
    };

    /// <summary>Whether <paramref name="e"/> is a unique constraint refusing a row (a racing writer got there first).</summary>
    private protected abstract bool IsUniqueViolation(DbException e);

    public abstract ValueTask DisposeAsync();

    /// <summary>Whether <paramref name="e"/> says the connection was already dead (closed by the server while pooled).</summary>
    private protected virtual bool IsDeadConnection(Exception e) => false;

    /// <summary>Drops every pooled connection (after one was found dead, the others likely are too).</summary>
    private protected virtual void ClearPool()
    {
    }

    /// <summary>Also synchronously: a service provider disposed with Dispose() refuses services that only dispose asynchronously.</summary>
    public abstract void Dispose();

    /// <summary>The collation clause that makes ORDER BY compare text ordinally, as the in-memory store does.</summary>
    private protected abstract string OrdinalCollation { get; }

    /// <summary>An open connection, ready for statements (pragmas set); the caller disposes it.</summary>
    private protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>Begins a migration transaction that excludes every other gateway's migration until it ends.</summary>
    private protected abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Brings the schema up to <see cref="KnownSchemaVersion"/>: each missing step in its own transaction, recorded in
    /// schema_version in that same transaction, so a failed step leaves the database at the previous version. A database
    /// newer than this code is refused before anything is written. Returns the version now in force.
    /// </summary>
    private protected async Task<int> MigrateAsync(CancellationToken ct)
    {
        await using DbConnection connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        while (true)
        {
            await using DbTransaction transaction = await BeginMigrationAsync(connection, ct).ConfigureAwait(false);
            await using (DbCommand create = Command(connection,
                "CREATE TABLE IF NOT EXISTS schema_version "
                + "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ticks BIGINT NOT NULL)",
                transaction))
            {
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            int current;
            await using (DbCommand read = Command(connection, "SELECT MAX(version) FROM schema_version", transaction))
            {
                object? max = await read.ExecuteScalarAsync(ct).ConfigureAwait(false);
                current = max is null or DBNull ? 0 : Convert.ToInt32(max, CultureInfo.InvariantCulture);
            }
            if (current > KnownSchemaVersion)
            {
                throw new RuleStoreSchemaException(
                    $"rule store {Location} has schema version {current}, newer than this gateway knows ({KnownSchemaVersion}): "
                    + "a newer gateway migrated it; run that version (or restore a backup). Nothing was changed.");
            }

            SqlMigration? next = _migrations.FirstOrDefault(m => m.Version > current);
            if (next is null)
            {
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return current;
            }

            var watch = Stopwatch.StartNew();
            try
            {
                await using (DbCommand step = Command(connection, next.Sql, transaction))
                {
                    await step.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await using (DbCommand record = Command(connection,
                    "INSERT INTO schema_version (version, description, applied_at_ticks) VALUES (@version, @description, @at)",
                    transaction))
                {
                    Add(record, "@version", (long)next.Version);
                    Add(record, "@description", next.Description);
                    Add(record, "@at", DateTimeOffset.UtcNow.UtcTicks);
                    await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                throw new RuleStoreSchemaException(
                    $"rule store {Location}: migration to schema version {next.Version} ({next.Description}) failed, "
                    + $"left at version {current}: {e.Message}", e);
            }
            RuleStoreLog.Migrated(Logger, Location, next.Version, next.Description, watch.ElapsedMilliseconds);
        }
    }

    private protected async Task OpenedAsync(CancellationToken ct)
    {
        int version = await MigrateAsync(ct).ConfigureAwait(false);
        RuleStoreLog.Opened(Logger, Kind, Location, version);
    }

    /// <summary>
    /// Runs one call on a connection of its own. A pooled connection the server closed while it sat idle (PostgreSQL
    /// restarted or failed over) fails on its first statement before the server runs it: then the pool is emptied and the
    /// call runs once more on a new connection, so a database restart costs no failed call.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using DbConnection connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
            try
            {
                return await work(connection).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt == 1 && IsDeadConnection(e))
            {
                ClearPool();
            }
        }
    }

    private Task RunAsync(Func<DbConnection, Task> work, CancellationToken ct) =>
        RunAsync<bool>(async connection =>
        {
            await work(connection).ConfigureAwait(false);
            return true;
        }, ct);

    private static void CheckOrdered(IReadOnlyList<SqlMigration> migrations)
    {
        if (migrations.Count == 0) throw new ArgumentException("a store needs at least one migration", nameof(migrations));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException(
                    $"migration {i} has version {migrations[i].Version}, expected {i + 1}: versions run 1, 2, 3, ...",
                    nameof(migrations));
            }
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    // Typed even for null, so PostgreSQL does not have to guess a parameter's type.
    private static void Add(DbCommand command, string name, string? value) => Add(command, name, value, DbType.String);

    private static void Add(DbCommand command, string name, long? value) => Add(command, name, value, DbType.Int64);

    private static void Add(DbCommand command, string name, double? value) => Add(command, name, value, DbType.Double);

    private static void Add(DbCommand command, string name, byte[] value) => Add(command, name, value, DbType.Binary);

    private static void Add(DbCommand command, string name, object? value, DbType type)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void AddContainer(DbCommand command, ContainerKey container)
    {
        Add(command, "@fleet", container.Fleet);
        Add(command, "@container", container.Container);
    }

    /// <summary>Every alert parameter but @key and @id (the insert sets the one, the update matches on the other).</summary>
    private static void AddAlert(DbCommand command, Alert alert)
    {
        AddContainer(command, alert.Container);
        Add(command, "@tag", alert.Tag);
        Add(command, "@kind", alert.Kind);
        Add(command, "@band", alert.Band);
        Add(command, "@severity", Name(alert.Severity));
        Add(command, "@state", Name(alert.State));
        Add(command, "@since", alert.Since.UtcTicks);
        Add(command, "@raised_at", alert.RaisedAt.UtcTicks);
        Add(command, "@late", alert.Late.Ticks);
        Add(command, "@value", alert.Value);
        Add(command, "@limit_value", alert.Limit);
        Add(command, "@message", alert.Message);
        Add(command, "@acknowledged_by", alert.AcknowledgedBy);
        Add(command, "@acknowledged_at", alert.AcknowledgedAt?.UtcTicks);
        Add(command, "@acknowledge_note", alert.AcknowledgeNote);
        Add(command, "@resolved_at", alert.ResolvedAt?.UtcTicks);
        Add(command, "@escalations", (long)alert.Escalations);
    }

    private static async Task<Alert?> ReadSingleAlertAsync(DbCommand command, CancellationToken ct)
    {
        await using DbDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadAlert(reader) : null;
    }

    /// <summary>One row selected with <see cref="AlertColumns"/>, in that order.</summary>
    private static Alert ReadAlert(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Key = reader.GetString(1),
        Container = new ContainerKey(reader.GetString(2), reader.GetString(3)),
        Kind = reader.GetString(4),
        Band = reader.IsDBNull(5) ? null : reader.GetString(5),
        Severity = Enum.Parse<Severity>(reader.GetString(6), ignoreCase: true),
        State = Enum.Parse<AlertState>(reader.GetString(7), ignoreCase: true),
        Since = Time(reader.GetInt64(8)),
        RaisedAt = Time(reader.GetInt64(9)),
        Late = TimeSpan.FromTicks(reader.GetInt64(10)),
        Value = reader.IsDBNull(11) ? null : reader.GetDouble(11),
        Limit = reader.IsDBNull(12) ? null : reader.GetDouble(12),
        Message = reader.GetString(13),
        AcknowledgedBy = reader.IsDBNull(14) ? null : reader.GetString(14),
        AcknowledgedAt = reader.IsDBNull(15) ? null : Time(reader.GetInt64(15)),
        AcknowledgeNote = reader.IsDBNull(16) ? null : reader.GetString(16),
        ResolvedAt = reader.IsDBNull(17) ? null : Time(reader.GetInt64(17)),
        Escalations = checked((int)reader.GetInt64(18)),
        Tag = reader.IsDBNull(19) ? null : reader.GetString(19),
        Version = reader.GetInt64(20),
    };

    private static DateTimeOffset Time(long utcTicks) => new(utcTicks, TimeSpan.Zero);

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
