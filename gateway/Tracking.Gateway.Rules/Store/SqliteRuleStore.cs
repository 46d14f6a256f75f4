using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// <see cref="IRuleStore"/> in one SQLite file: the gateway's default. WAL journal (readers never wait for the writer,
/// a crash loses no committed transaction), a busy timeout so that two processes on one file wait for each other instead
/// of failing, and the file created 0600 in a 0700 directory, as it holds alerts and profiles. Connections come from
/// Microsoft.Data.Sqlite's pool, one per call.
/// </summary>
public sealed class SqliteRuleStore : SqlRuleStore
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    /// <summary>
    /// SQLite's page size for the store's file, 16 KiB instead of SQLite's default 4 KiB (issue 12): a state save writes
    /// every container's snapshot and new window chunks, a few MB for a busy fleet, and SQLite's cost of that goes by
    /// pages (a write to the WAL and one at each checkpoint, with its system calls). In bench rules (1,000 containers, 100
    /// readings each per save) a save took 348 ns CPU per reading with 4 KiB pages, 76 with 16 KiB, 72 with 64 KiB;
    /// beyond 16 KiB small commits (an alert, an acknowledgement) would write needlessly big pages.
    /// </summary>
    public const int PageSize = 16_384;

    private readonly string _connectionString;
    private readonly string _busyPragma;

    private SqliteRuleStore(string path, TimeSpan busyTimeout, IReadOnlyList<SqlMigration> migrations, ILogger logger)
        : base(migrations, logger)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy database itself for as long as the command timeout.
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString();
        _busyPragma = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    public override string Location => Path;

    private protected override string Kind => "sqlite";

    private protected override string OrdinalCollation => "COLLATE BINARY";

    // Migration 5 added profile_changes (a store opened with fewer migrations, in tests, has none).
    /// <summary>SQLITE_CONSTRAINT (19): a UNIQUE index refused the row (the only constraint a trip write can break).</summary>
    private protected override bool IsUniqueViolation(DbException e) => e is SqliteException { SqliteErrorCode: 19 };

    private protected override bool TracksProfileChanges => KnownSchemaVersion >= 5;

    /// <summary>Opens (creating it if needed) the database at <paramref name="path"/> and migrates it to the current schema.</summary>
    /// <exception cref="RuleStoreSchemaException">The file's schema is newer than this code, or a migration failed.</exception>
    public static Task<SqliteRuleStore> OpenAsync(string path, TimeSpan busyTimeout, ILogger? logger = null,
        CancellationToken ct = default) =>
        OpenAsync(path, busyTimeout, SqliteMigrations.All, logger, ct);

    internal static async Task<SqliteRuleStore> OpenAsync(string path, TimeSpan busyTimeout, IReadOnlyList<SqlMigration> migrations,
        ILogger? logger, CancellationToken ct)
    {
        logger ??= NullLogger.Instance;
        string full = System.IO.Path.GetFullPath(path);
        CreatePrivately(full, logger);
        var store = new SqliteRuleStore(full, busyTimeout, migrations, logger);
        try
        {
            await store.PrepareFileAsync(ct).ConfigureAwait(false);
            await store.OpenedAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override void Dispose()
    {
        // Pooled connections keep the file (and its -wal and -shm) open: release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            // Per connection: SQLite's own wait on a locked file, beside the retries above.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = _busyPragma;
            await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override Task WriteStatesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ContainerSnapshot> states,
        CancellationToken ct)
    {
        // SQLite's own statements on the connection, in its transaction (SqliteStateWriter: the provider's per-execution
        // work was as much CPU as SQLite's). Synchronous: Microsoft.Data.Sqlite's async calls run synchronously too.
        using var writer = new SqliteStateWriter((SqliteConnection)connection);
        writer.Write(states);
        return Task.CompletedTask;
    }

    private protected override async Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct) =>
        // Microsoft.Data.Sqlite begins IMMEDIATE unless asked for deferred: the write lock is taken at once, so a second
        // process opening the same file waits here and then sees the version the first one left.
        await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// Gives the file <see cref="PageSize"/>: a new file at once, an existing one of another size rebuilt once (VACUUM,
    /// in the rollback journal: a file in WAL mode keeps its page size). When another connection holds the file, it
    /// keeps its size and the store works as before (logged).
    /// </summary>
    private async Task UsePageSizeAsync(DbConnection connection, CancellationToken ct)
    {
        long size = Convert.ToInt64(await ScalarAsync(connection, "PRAGMA page_size", ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (size == PageSize) return;
        long pages = Convert.ToInt64(await ScalarAsync(connection, "PRAGMA page_count", ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        long started = Stopwatch.GetTimestamp();
        try
        {
            if (await ScalarAsync(connection, "PRAGMA journal_mode = DELETE", ct).ConfigureAwait(false) is not string mode
                || !string.Equals(mode, "delete", StringComparison.OrdinalIgnoreCase))
            {
                RuleStoreLog.PageSizeKept(Logger, Path, size, PageSize, "the file stays in its journal mode");
                return;
            }
            // One statement, no progress to report: say before that it may take a while.
            if (pages > 0) RuleStoreLog.PageSizeChanging(Logger, Path, size, PageSize, pages);
            await ScalarAsync(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA page_size = {PageSize}; VACUUM;"), ct)
                .ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            // Busy (another process has the file open) or no room for VACUUM's copy: the store still works, as before.
            RuleStoreLog.PageSizeKept(Logger, Path, size, PageSize, e.Message);
            return;
        }
        if (pages > 0) RuleStoreLog.PageSizeChanged(Logger, Path, size, PageSize, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The directory 0700 when missing, the file 0600 when missing; an existing, too open file is reported.</summary>
    private static void CreatePrivately(string path, ILogger logger)
    {
        string directory = System.IO.Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite)) { }
            return;
        }

        Directory.CreateDirectory(directory, PrivateDirectory);
        if (!File.Exists(path))
        {
            // SQLite would create it with the umask's mode; the -wal and -shm files take the database file's mode.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, UnixCreateMode = PrivateFile };
            try
            {
                using (new FileStream(path, options)) { }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first.
            }
        }
        UnixFileMode mode = File.GetUnixFileMode(path);
        if ((mode & ~(PrivateFile | UnixFileMode.UserExecute)) != 0)
        {
            RuleStoreLog.FileTooOpen(logger, path, Convert.ToString((int)mode, 8));
        }
    }

    /// <summary>The file's page size (<see cref="UsePageSizeAsync"/>), then its WAL journal, on one connection.</summary>
    private async Task PrepareFileAsync(CancellationToken ct)
    {
        await using DbConnection connection = await OpenConnectionAsync(ct).ConfigureAwait(false);
        await UsePageSizeAsync(connection, ct).ConfigureAwait(false);
        // Persistent in the file: set once, every later connection uses it.
        var mode = await ScalarAsync(connection, "PRAGMA journal_mode = WAL", ct).ConfigureAwait(false) as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new RuleStoreSchemaException($"rule store {Path}: SQLite refused the WAL journal (journal_mode is '{mode}'); "
                + "is the file on a network file system? Put it on a local disk.");
        }
    }
}
