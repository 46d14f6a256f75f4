using Microsoft.Data.Sqlite;
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
}
