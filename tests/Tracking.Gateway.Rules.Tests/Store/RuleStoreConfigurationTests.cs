using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>Rules:Store picks the store; every bad value is refused with its own message naming the key.</summary>
public sealed class RuleStoreConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rules-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddRuleStore(config).BuildServiceProvider();
    }

    private static string[] Failures(Dictionary<string, string?> settings)
    {
        using ServiceProvider provider = Provider(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IRuleStore>());
        return [.. e.Failures];
    }

    [Fact]
    public void The_default_is_a_sqlite_file_beside_the_spool()
    {
        var options = new RuleStoreOptions();
        Assert.Equal("sqlite", options.Kind);
        Assert.Equal("data/rules.db", options.SqlitePath);
        Assert.Null(options.PostgresConnectionFile);
    }

    [Fact]
    public async Task Sqlite_opens_the_configured_file()
    {
        string path = Path.Combine(_directory, "sub", "rules.db");
        await using ServiceProvider provider = Provider(new() { ["Rules:Store:Kind"] = "SQLite", ["Rules:Store:SqlitePath"] = path });
        var store = Assert.IsType<SqliteRuleStore>(provider.GetRequiredService<IRuleStore>());
        Assert.Equal(path, store.Path);
        Assert.Same(store, provider.GetRequiredService<IRuleStore>());
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Memory_is_the_in_memory_store()
    {
        using ServiceProvider provider = Provider(new() { ["Rules:Store:Kind"] = "memory" });
        Assert.IsType<InMemoryRuleStore>(provider.GetRequiredService<IRuleStore>());
    }

    [Fact]
    public void An_unknown_kind_is_named()
    {
        Assert.Equal(["Rules:Store:Kind must be sqlite, memory, postgres, not 'mysql'"], Failures(new() { ["Rules:Store:Kind"] = "mysql" }));
    }

    [Fact]
    public void Bad_sqlite_values_get_one_message_each()
    {
        string[] failures = Failures(new() { ["Rules:Store:SqlitePath"] = _directory, ["Rules:Store:SqliteBusyTimeout"] = "-00:00:01" });
        Assert.Equal(2, failures.Length);
        Assert.Contains($"Rules:Store:SqlitePath '{_directory}' is a directory", failures[0]);
        Assert.Contains("Rules:Store:SqliteBusyTimeout must be between 00:00:00.001 and 01:00:00, not -00:00:01", failures[1]);
        Assert.Contains("Rules:Store:SqliteBusyTimeout must be between 00:00:00.001 and 01:00:00, not 00:00:00",
            Assert.Single(Failures(new() { ["Rules:Store:SqliteBusyTimeout"] = "00:00:00" })));
        Assert.Equal(["Rules:Store:SqlitePath is required when Rules:Store:Kind is sqlite"], Failures(new() { ["Rules:Store:SqlitePath"] = " " }));
    }

    [Fact]
    public void Postgres_needs_a_readable_file_with_a_connection_string_and_never_shows_it()
    {
        Assert.StartsWith("Rules:Store:PostgresConnectionFile is required when Rules:Store:Kind is postgres",
            Assert.Single(Failures(new() { ["Rules:Store:Kind"] = "postgres" })));

        string missing = Path.Combine(_directory, "missing");
        Assert.StartsWith($"Rules:Store:PostgresConnectionFile: cannot read '{missing}'",
            Assert.Single(Failures(new() { ["Rules:Store:Kind"] = "postgres", ["Rules:Store:PostgresConnectionFile"] = missing })));

        string empty = Path.Combine(_directory, "empty");
        File.WriteAllText(empty, "\n");
        Assert.Equal($"Rules:Store:PostgresConnectionFile: '{empty}' is empty",
            Assert.Single(Failures(new() { ["Rules:Store:Kind"] = "postgres", ["Rules:Store:PostgresConnectionFile"] = empty })));

        string bad = Path.Combine(_directory, "bad");
        File.WriteAllText(bad, "Host=db;Pasword=s3cret-value\n");
        string failure = Assert.Single(Failures(new() { ["Rules:Store:Kind"] = "postgres", ["Rules:Store:PostgresConnectionFile"] = bad }));
        Assert.Contains("does not hold a valid connection string", failure);
        Assert.DoesNotContain("s3cret", failure);
    }
}
