using Microsoft.Data.Sqlite;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>The contract on a SQLite file in a fresh temporary directory per test, plus what only a file has: modes and WAL.</summary>
public sealed class SqliteRuleStoreContractTests : SqlRuleStoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rules-store-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_directory, "state", "rules.db");

    protected override IReadOnlyList<SqlMigration> RealMigrations => SqliteMigrations.All;

    protected override async Task<SqlRuleStore> OpenSqlStoreAsync(IReadOnlyList<SqlMigration>? migrations = null) =>
        await SqliteRuleStore.OpenAsync(DatabasePath, TimeSpan.FromSeconds(10), migrations ?? SqliteMigrations.All, null, default);

    protected override async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    protected override string TableCountSql(string table) => $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_file_is_private_and_journals_ahead()
    {
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
        if (OperatingSystem.IsWindows()) return;
        await Store.SaveStateAsync(Box, new byte[] { 1 });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath + "-wal"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(DatabasePath)!));
    }

    [Fact]
    public async Task A_new_file_has_pages_of_16_KiB()
    {
        Assert.Equal((long)SqliteRuleStore.PageSize, await ScalarAsync("PRAGMA page_size"));
        Assert.Equal(16_384, SqliteRuleStore.PageSize);
    }

    [Fact]
    public async Task A_file_of_4_KiB_pages_is_rebuilt_once_at_open_and_keeps_everything()
    {
        await Store.PutProfileAsync(Pharma);
        Alert alert = (await Store.OpenAlertAsync(NewAlert("kept"))).Alert;
        byte[] state = [.. Enumerable.Range(0, 5_000).Select(i => (byte)i)];
        await Store.SaveStateAsync(Box, state);
        await ((SqlRuleStore)Store).DisposeAsync();
        await SetPageSizeAsync(4_096);
        Assert.Equal(4_096L, await ScalarAsync("PRAGMA page_size"));

        var logger = new EventIdLogger();
        await using (SqliteRuleStore reopened = await SqliteRuleStore.OpenAsync(DatabasePath, TimeSpan.FromSeconds(10), logger))
        {
            Assert.Equal((long)SqliteRuleStore.PageSize, await ScalarAsync("PRAGMA page_size"));
            Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
            Assert.Equal("ok", await ScalarAsync("PRAGMA integrity_check"));
            AssertSameProfile(Pharma, await reopened.GetProfileAsync("pharma"));
            Assert.Equal(alert, await reopened.GetAlertAsync(alert.Id));
            Assert.Equal(state, (await reopened.LoadStateAsync(Box))!.State);
            await reopened.SaveStateAsync(Box, new byte[] { 9 });
        }
        Assert.Contains(logger.Entries, e => e.Id == 1104 && e.Message.Contains("from 4096 to 16384", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Id == 1105);

        // Once: the next open finds the size it wants.
        var again = new EventIdLogger();
        await using (SqliteRuleStore third = await SqliteRuleStore.OpenAsync(DatabasePath, TimeSpan.FromSeconds(10), again))
        {
            Assert.Equal(new byte[] { 9 }, (await third.LoadStateAsync(Box))!.State);
        }
        Assert.DoesNotContain(again.Entries, e => e.Id is 1104 or 1105 or 1106);
    }

    [Fact]
    public async Task A_file_of_4_KiB_pages_open_elsewhere_keeps_them_and_the_store_works()
    {
        await Store.SaveStateAsync(Box, new byte[] { 1, 2 });
        await ((SqlRuleStore)Store).DisposeAsync();
        await SetPageSizeAsync(4_096);

        // Another process's connection in the file, reading: the journal mode cannot change under it.
        await using var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await other.OpenAsync();
        await using SqliteTransaction reading = other.BeginTransaction(deferred: true);
        await using (SqliteCommand read = other.CreateCommand())
        {
            read.CommandText = "SELECT COUNT(*) FROM container_states";
            Assert.Equal(1L, await read.ExecuteScalarAsync());
        }

        var logger = new EventIdLogger();
        await using SqliteRuleStore reopened = await SqliteRuleStore.OpenAsync(DatabasePath, TimeSpan.FromSeconds(1), logger);
        Assert.Contains(logger.Entries, e => e.Id == 1106 && e.Message.Contains("kept at 4096", StringComparison.Ordinal));
        Assert.Equal(4_096L, await ScalarAsync("PRAGMA page_size"));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
        Assert.Equal(new byte[] { 1, 2 }, (await reopened.LoadStateAsync(Box))!.State);
        await reopened.SaveStateAsync(Box, new byte[] { 3 });
        Assert.Equal(new byte[] { 3 }, (await reopened.LoadStateAsync(Box))!.State);
    }

    /// <summary>What a store made before the page size was chosen looks like: SQLite's default 4 KiB, in WAL mode.</summary>
    private async Task SetPageSizeAsync(int size)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = $"PRAGMA journal_mode = DELETE; PRAGMA page_size = {size}; VACUUM; PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync();
    }
}
