namespace Tracking.Gateway.Rules.Store;

/// <summary>The SQLite schema, step by step (see <see cref="SqlMigration"/>): append, never edit.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<SqlMigration> All { get; } =
    [
        new(1, "profiles, assignments, alerts, excursions, container states", """
            CREATE TABLE profiles (
                name TEXT NOT NULL PRIMARY KEY,
                json TEXT NOT NULL);
            CREATE TABLE assignments (
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                profile TEXT NOT NULL,
                PRIMARY KEY (fleet, container));
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                kind TEXT NOT NULL,
                band TEXT,
                severity TEXT NOT NULL,
                state TEXT NOT NULL,
                since_ticks INTEGER NOT NULL,
                raised_at_ticks INTEGER NOT NULL,
                late_ticks INTEGER NOT NULL,
                value REAL,
                limit_value REAL,
                message TEXT NOT NULL,
                acknowledged_by TEXT,
                acknowledged_at_ticks INTEGER,
                acknowledge_note TEXT,
                resolved_at_ticks INTEGER,
                escalations INTEGER NOT NULL);
            CREATE INDEX alerts_newest ON alerts (raised_at_ticks DESC, id DESC);
            CREATE INDEX alerts_container ON alerts (fleet, container, raised_at_ticks DESC);
            CREATE TABLE excursions (
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                band TEXT NOT NULL,
                start_ticks INTEGER NOT NULL,
                end_ticks INTEGER,
                peak REAL NOT NULL,
                duration_ticks INTEGER NOT NULL,
                PRIMARY KEY (fleet, container, band, start_ticks));
            CREATE TABLE container_states (
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                state BLOB NOT NULL,
                PRIMARY KEY (fleet, container));
            """),
        // The tag of each alert (Alert.Tag); existing rows get it from their key, {fleet}.{container}.{tag}.{kind}.{detail}
        // (fleet and container ids have no dot, docs/protocol.md 2), where the key has that shape.
        new(2, "alerts.tag", """
            ALTER TABLE alerts ADD COLUMN tag TEXT;
            UPDATE alerts SET tag = substr(substr(key, length(fleet) + length(container) + 3), 1,
                    instr(substr(key, length(fleet) + length(container) + 3), '.') - 1)
                WHERE substr(key, 1, length(fleet) + length(container) + 2) = fleet || '.' || container || '.'
                    AND instr(substr(key, length(fleet) + length(container) + 3), '.') > 1;
            """),
        // Excursions are a tag's: see PostgresMigrations step 4. SQLite cannot change a primary key, so the table is rebuilt.
        new(3, "excursions.tag", """
            CREATE TABLE excursions_by_tag (
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                tag TEXT NOT NULL DEFAULT '',
                band TEXT NOT NULL,
                start_ticks INTEGER NOT NULL,
                end_ticks INTEGER,
                peak REAL NOT NULL,
                duration_ticks INTEGER NOT NULL,
                PRIMARY KEY (fleet, container, tag, band, start_ticks));
            INSERT INTO excursions_by_tag (fleet, container, band, start_ticks, end_ticks, peak, duration_ticks)
                SELECT fleet, container, band, start_ticks, end_ticks, peak, duration_ticks FROM excursions;
            DROP TABLE excursions;
            ALTER TABLE excursions_by_tag RENAME TO excursions;
            """),
        // Alert writes conditional (issue 12): every write bumps the row's version; a whole-alert update applies only at the
        // version it read (IRuleStore.UpdateAlertAsync), so a stale read-modify-write fails instead of undoing another's.
        new(4, "alerts.version", """
            ALTER TABLE alerts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
            """),
        // IRuleStore.ProfileVersionAsync: bumped by triggers, so a write by any connection or process counts (the
        // busy timeout lets two processes share the file), not only this store object's. Idempotent, as a database
        // whose recorded version was set back (the migration tests do) runs it again.
        new(5, "profile_changes: a version bumped by every profile and assignment write", """
            CREATE TABLE IF NOT EXISTS profile_changes (
                id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL);
            INSERT OR IGNORE INTO profile_changes (id, version) VALUES (1, 0);
            CREATE TRIGGER IF NOT EXISTS profiles_inserted AFTER INSERT ON profiles BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS profiles_updated AFTER UPDATE ON profiles BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS profiles_deleted AFTER DELETE ON profiles BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS assignments_inserted AFTER INSERT ON assignments BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS assignments_updated AFTER UPDATE ON assignments BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS assignments_deleted AFTER DELETE ON assignments BEGIN UPDATE profile_changes SET version = version + 1; END;
            """),
        // Trips (issue 12: cumulative budgets and MKT per trip, a report per trip). A container's trips never overlap: the
        // store checks each start against the latest trip in one transaction, and at most one trip is open (the partial
        // unique index makes a second writer's racing start fail instead of leaving two open). Trip writes bump the
        // profile version (step 5), as the engine reads a container's trips when it reads its profile. Excursions carry
        // the trip they were measured in (null: none).
        new(6, "trips; excursions.trip_id", """
            CREATE TABLE IF NOT EXISTS trips (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                start_ticks INTEGER NOT NULL,
                end_ticks INTEGER,
                reference TEXT,
                profile TEXT,
                created_at_ticks INTEGER NOT NULL,
                UNIQUE (fleet, container, start_ticks));
            CREATE UNIQUE INDEX IF NOT EXISTS trips_open ON trips (fleet, container) WHERE end_ticks IS NULL;
            CREATE TRIGGER IF NOT EXISTS trips_inserted AFTER INSERT ON trips BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS trips_updated AFTER UPDATE ON trips BEGIN UPDATE profile_changes SET version = version + 1; END;
            CREATE TRIGGER IF NOT EXISTS trips_deleted AFTER DELETE ON trips BEGIN UPDATE profile_changes SET version = version + 1; END;
            ALTER TABLE excursions ADD COLUMN trip_id INTEGER;
            """),
        // The transactional outbox (issue 12): each notified alert change records the notification it owes in the same
        // transaction; the dispatcher forgets it once every sink took it. AUTOINCREMENT: a seq is never reused after a
        // delete (the dispatcher remembers per sink which seqs it took). IF NOT EXISTS: as step 5. (Step 6 is trips.)
        new(7, "alert_events: the notifications owed (transactional outbox)", """
            CREATE TABLE IF NOT EXISTS alert_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                alert_id INTEGER NOT NULL,
                transition TEXT NOT NULL,
                at_ticks INTEGER NOT NULL,
                alert TEXT NOT NULL);
            """),
        // Predictive warnings through the outbox (issue 12, branch warn12): a warning's issue and end owe their notification
        // like an alert change. In alert_events, not a table of their own: the dispatcher hands out one seq order, so a
        // warning keeps its place among the alert changes around it (the alarm that ended it, then its end) with no
        // merge of two sequences, and one round, one lock and one forget cover both. kind says which it is (rows from
        // before are alerts); for a warning, alert_id is the warnings row, alert the warning as JSON and reason why it
        // ended. warnings: one row per warning by its key (WarningNotification.KeyOf, the issue time in it), so a replay
        // that derives the same issue or end again records and owes nothing; kept once ended, as alerts are. Not
        // idempotent (SQLite cannot add a column only if missing): tests that set the version back drop the columns.
        new(8, "warnings; alert_events.kind, reason: predictive warnings through the outbox", """
            CREATE TABLE IF NOT EXISTS warnings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL UNIQUE,
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                tag TEXT NOT NULL,
                band TEXT NOT NULL,
                issued_ticks INTEGER NOT NULL,
                recorded_at_ticks INTEGER,
                ended_at_ticks INTEGER,
                reason TEXT,
                warning TEXT NOT NULL);
            ALTER TABLE alert_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'alert';
            ALTER TABLE alert_events ADD COLUMN reason TEXT;
            """),
        // Windows saved in pieces (issue 12, branch chunks14): a stream's readings in chunks of 64 by their number in the
        // stream (readings trimmed so far plus index), so a save writes the chunks that changed (the last one or two after
        // a few readings) instead of the whole window in the container's snapshot (format 6 holds each window's first
        // number and length). WITHOUT ROWID: the rows are read and replaced by their key, which is their order.
        new(9, "window_chunks: stream windows saved in pieces", """
            CREATE TABLE IF NOT EXISTS window_chunks (
                fleet TEXT NOT NULL,
                container TEXT NOT NULL,
                tag TEXT NOT NULL,
                chunk INTEGER NOT NULL,
                samples BLOB NOT NULL,
                PRIMARY KEY (fleet, container, tag, chunk)) WITHOUT ROWID;
            """),
    ];
}
