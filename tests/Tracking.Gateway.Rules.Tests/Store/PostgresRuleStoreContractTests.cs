using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>
/// The contract on a real PostgreSQL server (one per class), a fresh database per test: two store instances on one
/// database are two gateways sharing state.
/// </summary>
public sealed class PostgresRuleStoreContractTests(PostgresFixture postgres) : SqlRuleStoreContractTests, IClassFixture<PostgresFixture>
{
    private readonly string _database = $"rules_{Guid.NewGuid():N}";

    protected override IReadOnlyList<SqlMigration> RealMigrations => PostgresMigrations.All;

    public override async Task InitializeAsync()
    {
        await postgres.Server.CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    protected override async Task<SqlRuleStore> OpenSqlStoreAsync(IReadOnlyList<SqlMigration>? migrations = null) =>
        await PostgresRuleStore.OpenAsync(postgres.Server.ConnectionString(_database), migrations ?? PostgresMigrations.All, null, default);

    protected override Task<object?> ScalarAsync(string sql) => postgres.Server.ExecuteAsync(sql, _database);

    protected override string TableCountSql(string table) =>
        $"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '{table}'";

    [Fact]
    public async Task Gateways_starting_together_migrate_once()
    {
        string fresh = $"rules_{Guid.NewGuid():N}";
        await postgres.Server.CreateDatabaseAsync(fresh);
        PostgresRuleStore[] stores = await Task.WhenAll(Enumerable.Range(0, 3)
            .Select(_ => Task.Run(() => PostgresRuleStore.OpenAsync(postgres.Server.ConnectionString(fresh)))));
        foreach (PostgresRuleStore store in stores) await store.DisposeAsync();
        Assert.Equal((long)PostgresMigrations.All.Count, await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM schema_version", fresh));
    }

    [Fact]
    public async Task AddRuleStore_connects_with_the_connection_string_from_the_file()
    {
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, postgres.Server.ConnectionString(_database) + "\n");
            IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Rules:Store:Kind"] = "postgres",
                ["Rules:Store:PostgresConnectionFile"] = file,
            }).Build();
            await using ServiceProvider provider = new ServiceCollection().AddRuleStore(config).BuildServiceProvider();
            var store = Assert.IsType<PostgresRuleStore>(provider.GetRequiredService<IRuleStore>());
            await store.PutProfileAsync(Pharma);
            AssertSameProfile(Pharma, await Store.GetProfileAsync("pharma"));
            Assert.Equal($"127.0.0.1:{postgres.Server.Port}/{_database}", store.Location);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
