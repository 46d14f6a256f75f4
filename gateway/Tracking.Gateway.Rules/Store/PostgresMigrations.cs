namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// The PostgreSQL schema, step by step (see <see cref="SqlMigration"/>): append, never edit. Text keys use the "C"
/// collation so that uniqueness, ordering and equality are byte-wise whatever locale the cluster was created with.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<SqlMigration> All { get; } =
    [
        new(1, "profiles, assignments, alerts, excursions, container states", """
            CREATE TABLE profiles (
                name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                json TEXT NOT NULL);
            CREATE TABLE assignments (
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                profile TEXT NOT NULL,
                PRIMARY KEY (fleet, container));
            CREATE TABLE alerts (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                key TEXT COLLATE "C" NOT NULL UNIQUE,
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                kind TEXT NOT NULL,
                band TEXT,
                severity TEXT NOT NULL,
                state TEXT NOT NULL,
                since_ticks BIGINT NOT NULL,
                raised_at_ticks BIGINT NOT NULL,
                late_ticks BIGINT NOT NULL,
                value DOUBLE PRECISION,
                limit_value DOUBLE PRECISION,
                message TEXT NOT NULL,
                acknowledged_by TEXT,
                acknowledged_at_ticks BIGINT,
                acknowledge_note TEXT,
                resolved_at_ticks BIGINT,
                escalations BIGINT NOT NULL);
            CREATE INDEX alerts_newest ON alerts (raised_at_ticks DESC, id DESC);
            CREATE INDEX alerts_container ON alerts (fleet, container, raised_at_ticks DESC);
            CREATE TABLE excursions (
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                band TEXT COLLATE "C" NOT NULL,
                start_ticks BIGINT NOT NULL,
                end_ticks BIGINT,
                peak DOUBLE PRECISION NOT NULL,
                duration_ticks BIGINT NOT NULL,
                PRIMARY KEY (fleet, container, band, start_ticks));
            CREATE TABLE container_states (
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                state BYTEA NOT NULL,
                PRIMARY KEY (fleet, container));
            """),
        // The tag of each alert (Alert.Tag); existing rows get it from their key, {fleet}.{container}.{tag}.{kind}.{detail}
        // (fleet and container ids have no dot, docs/protocol.md 2), where the key has that shape.
        new(2, "alerts.tag", """
            ALTER TABLE alerts ADD COLUMN tag TEXT COLLATE "C";
            UPDATE alerts SET tag = split_part(key, '.', 3)
                WHERE split_part(key, '.', 1) = fleet AND split_part(key, '.', 2) = container
                    AND split_part(key, '.', 3) <> '' AND split_part(key, '.', 4) <> '';
            """),
        // Gateways sharing the rules (Rules:Shared, Shared/SharedRuleLog): the input log, each partition's append counter
        // (its row lock orders appends, so seqs become visible in order), and each partition's evaluated position and
        // fencing epoch. Created for every PostgreSQL store; empty unless shared mode is on. IF NOT EXISTS: a database set back
        // to an older version (a test of migration 2 does) takes the step again.
        new(3, "shared rules: input log, partitions, positions", """
            CREATE TABLE IF NOT EXISTS rule_shared (
                id INT PRIMARY KEY CHECK (id = 1),
                partitions INT NOT NULL);
            CREATE TABLE IF NOT EXISTS rule_partitions (
                partition INT PRIMARY KEY,
                next_seq BIGINT NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS rule_positions (
                partition INT PRIMARY KEY,
                position BIGINT NOT NULL DEFAULT 0,
                epoch BIGINT NOT NULL DEFAULT 0,
                owner TEXT);
            CREATE TABLE IF NOT EXISTS rule_inputs (
                partition INT NOT NULL,
                seq BIGINT NOT NULL,
                group_end BIGINT NOT NULL,
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                tag TEXT COLLATE "C" NOT NULL,
                kind SMALLINT NOT NULL,
                boot BIGINT NOT NULL,
                input_seq BIGINT NOT NULL,
                key_time BIGINT NOT NULL,
                time_ms BIGINT NOT NULL,
                estimated BOOLEAN NOT NULL,
                temp_c DOUBLE PRECISION NOT NULL,
                rh_pct DOUBLE PRECISION NOT NULL,
                pressure_hpa DOUBLE PRECISION NOT NULL,
                peak_g DOUBLE PRECISION NOT NULL,
                battery_v DOUBLE PRECISION NOT NULL,
                added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                PRIMARY KEY (partition, seq));
            CREATE UNIQUE INDEX IF NOT EXISTS rule_inputs_once ON rule_inputs (fleet, container, tag, kind, boot, input_seq, key_time);
            """),
        // Excursions are a tag's (the engine keeps one list per tag): two tags of a container sampling on the same grid
        // began excursions at the same reading time under one key, and one overwrote (or, when late data moved its start,
        // deleted) the other's. Rows stored before keep tag '' (which tag they were is not recorded); the store replaces
        // such a row when its tag writes the same excursion again. IF EXISTS / IF NOT EXISTS: as step 3.
        new(4, "excursions.tag", """
            ALTER TABLE excursions ADD COLUMN IF NOT EXISTS tag TEXT COLLATE "C" NOT NULL DEFAULT '';
            ALTER TABLE excursions DROP CONSTRAINT IF EXISTS excursions_pkey;
            ALTER TABLE excursions ADD PRIMARY KEY (fleet, container, tag, band, start_ticks);
            """),
        // Alert writes conditional (issue 12): every write bumps the row's version; a whole-alert update applies only at the
        // version it read (IRuleStore.UpdateAlertAsync), so a stale read-modify-write fails instead of undoing another's.
        new(5, "alerts.version", """
            ALTER TABLE alerts ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 0;
            """),
        // Trips: see SqliteMigrations step 6 (PostgreSQL keeps no profile version: the engine re-reads a container's trips
        // with its profile every refresh period). The partial unique index keeps two gateways from both opening a trip.
        new(6, "trips; excursions.trip_id", """
            CREATE TABLE IF NOT EXISTS trips (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                start_ticks BIGINT NOT NULL,
                end_ticks BIGINT,
                reference TEXT,
                profile TEXT,
                created_at_ticks BIGINT NOT NULL,
                UNIQUE (fleet, container, start_ticks));
            CREATE UNIQUE INDEX IF NOT EXISTS trips_open ON trips (fleet, container) WHERE end_ticks IS NULL;
            ALTER TABLE excursions ADD COLUMN IF NOT EXISTS trip_id BIGINT;
            """),
        // The transactional outbox (issue 12): each notified alert change records the notification it owes in the same
        // transaction; one gateway at a time dispatches (an advisory lock per round) and forgets what every sink took.
        // An identity never hands out a seq twice. IF NOT EXISTS: as step 3.
        new(7, "alert_events: the notifications owed (transactional outbox)", """
            CREATE TABLE IF NOT EXISTS alert_events (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                alert_id BIGINT NOT NULL,
                transition TEXT NOT NULL,
                at_ticks BIGINT NOT NULL,
                alert TEXT NOT NULL);
            """),
        // Predictive warnings through the outbox: see SqliteMigrations step 8 (why the same table, what the columns hold).
        // One gateway records a container's warnings (its owner, fenced as its alert writes). IF NOT EXISTS: as step 3.
        new(8, "warnings; alert_events.kind, reason: predictive warnings through the outbox", """
            CREATE TABLE IF NOT EXISTS warnings (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                key TEXT COLLATE "C" NOT NULL UNIQUE,
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                tag TEXT COLLATE "C" NOT NULL,
                band TEXT COLLATE "C" NOT NULL,
                issued_ticks BIGINT NOT NULL,
                recorded_at_ticks BIGINT,
                ended_at_ticks BIGINT,
                reason TEXT,
                warning TEXT NOT NULL);
            ALTER TABLE alert_events ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT 'alert';
            ALTER TABLE alert_events ADD COLUMN IF NOT EXISTS reason TEXT;
            """),
        // Windows saved in pieces: see SqliteMigrations step 9. IF NOT EXISTS: as step 3.
        new(9, "window_chunks: stream windows saved in pieces", """
            CREATE TABLE IF NOT EXISTS window_chunks (
                fleet TEXT COLLATE "C" NOT NULL,
                container TEXT COLLATE "C" NOT NULL,
                tag TEXT COLLATE "C" NOT NULL,
                chunk BIGINT NOT NULL,
                samples BYTEA NOT NULL,
                PRIMARY KEY (fleet, container, tag, chunk));
            """),
    ];
}
