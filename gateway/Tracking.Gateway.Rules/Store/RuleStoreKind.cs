namespace Tracking.Gateway.Rules.Store;

/// <summary>The values of Rules:Store:Kind.</summary>
public static class RuleStoreKind
{
    /// <summary>One SQLite file beside the spool: the default, for a single gateway.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>Nothing survives a restart: tests and trials.</summary>
    public const string Memory = "memory";

    /// <summary>A PostgreSQL database shared by several gateways.</summary>
    public const string Postgres = "postgres";

    public static IReadOnlyList<string> All { get; } = [Sqlite, Memory, Postgres];
}
