namespace Tracking.Gateway.Rules.Store;

/// <summary>Where the rules keep their state (section "Rules:Store").</summary>
public sealed class RuleStoreOptions
{
    public const string SectionName = "Rules:Store";

    /// <summary><see cref="RuleStoreKind"/>: sqlite (default), memory or postgres.</summary>
    public string Kind { get; set; } = RuleStoreKind.Sqlite;

    /// <summary>The SQLite file; relative paths are from the working directory, like Spool:Directory (data/spool).</summary>
    public string SqlitePath { get; set; } = "data/rules.db";

    /// <summary>How long a statement waits for another process's lock on the SQLite file before it fails.</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A file holding the PostgreSQL connection string (e.g. <c>Host=db;Database=tracking;Username=gw;Password=...</c>), so
    /// that the password is never on a command line or in appsettings.json. Required for postgres.
    /// </summary>
    public string? PostgresConnectionFile { get; set; }
}
