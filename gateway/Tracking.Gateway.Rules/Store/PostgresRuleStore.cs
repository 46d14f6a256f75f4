using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// <see cref="IRuleStore"/> in a PostgreSQL database that several gateways share (one state for a shared-subscription
/// group): the unique alert key and INSERT ... ON CONFLICT make "exactly one alert per key" hold across gateways, and a
/// migration holds a transaction-scoped advisory lock so gateways starting together migrate one after the other.
/// </summary>
public sealed class PostgresRuleStore : SqlRuleStore
{
    /// <summary>The advisory lock key of migrations ("TrkRules" in ASCII): a fixed number other users of the database do not take.</summary>
    private const long MigrationLock = 0x54726B52756C6573;

    /// <summary>The advisory lock key of alert dispatch rounds ("TrkAlert" in ASCII): one gateway hands out owed notifications at a time.</summary>
    private const long DispatchLock = 0x54726B416C657274;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresRuleStore(NpgsqlDataSource dataSource, string location, IReadOnlyList<SqlMigration> migrations, ILogger logger)
        : base(migrations, logger)
    {
        _dataSource = dataSource;
        Location = location;
    }

    public override string Location { get; }

    private protected override string Kind => "postgres";

    private protected override string OrdinalCollation => "COLLATE \"C\"";

    // FOR SHARE: alert writes of one partition do not wait for each other, a takeover's epoch raise (UPDATE) waits for them
    // to commit, and a write after the raise reads the new epoch and is refused.
    private protected override string FenceSql => "SELECT epoch FROM rule_positions WHERE partition = @partition FOR SHARE";

    private protected override string DispatchLockSql => $"SELECT pg_advisory_xact_lock({DispatchLock})";

    /// <summary>Connects with <paramref name="connectionString"/> and migrates the database to the current schema.</summary>
    /// <exception cref="RuleStoreSchemaException">The database's schema is newer than this code, or a migration failed.</exception>
    public static Task<PostgresRuleStore> OpenAsync(string connectionString, ILogger? logger = null, CancellationToken ct = default) =>
        OpenAsync(connectionString, PostgresMigrations.All, logger, ct);

    internal static async Task<PostgresRuleStore> OpenAsync(string connectionString, IReadOnlyList<SqlMigration> migrations,
        ILogger? logger, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // For messages: where, never with what password.
        string location = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(builder);
        var store = new PostgresRuleStore(dataSource, location, migrations, logger ?? NullLogger.Instance);
        try
        {
            await store.OpenedAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public override void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// The server ended the session while it sat in the pool (57P01 admin shutdown, 57P02 crash shutdown, 57P03 not yet
    /// accepting), or the socket was gone: either way the statement was never run. (A socket lost in the instant between
    /// the server committing an insert and its answer also lands here: a retried OpenAlertAsync then finds its own alert
    /// and reports it as existing. The alert still exists exactly once.)
    /// </summary>
    private protected override bool IsDeadConnection(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } => true,
        _ => false,
    };

    private protected override void ClearPool() => _dataSource.Clear();

    private protected override bool IsUniqueViolation(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    private protected override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct)
    {
        DbTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLock})";
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
