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
    ];
}
