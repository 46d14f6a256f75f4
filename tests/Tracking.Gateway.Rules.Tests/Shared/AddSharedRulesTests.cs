using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Rules.Tests.Shared;

/// <summary>AddRules with Rules:Shared: the configuration that turns shared mode on, and what it refuses.</summary>
public sealed class AddSharedRulesTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRules(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Shared_mode_on_the_default_SQLite_store_is_refused_at_start_naming_both_keys()
    {
        using ServiceProvider provider = Build(new() { ["Rules:Shared:Enabled"] = "true" });
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RulesOptions>>().Value);
        Assert.Contains("Rules:Shared:Enabled needs Rules:Store:Kind postgres", e.Message);
    }

    [Fact]
    public void Without_shared_mode_nothing_of_it_is_registered()
    {
        using ServiceProvider provider = Build(new() { ["Rules:Store:Kind"] = "memory" });
        Assert.IsType<InMemoryRuleStore>(provider.GetRequiredService<IRuleStore>());
        Assert.Null(provider.GetService<IContainerOwnership>());
        Assert.Empty(provider.GetServices<IHostedService>().OfType<SharedRulesWorker>());
    }

    [Fact]
    public async Task Shared_mode_evaluates_what_is_appended_to_the_log_through_the_hosted_worker()
    {
        string database = $"addshared_{Guid.NewGuid():N}";
        await postgres.Server.CreateDatabaseAsync(database);
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, postgres.Server.ConnectionString(database));
            await using ServiceProvider provider = Build(new()
            {
                ["Rules:Store:Kind"] = "postgres",
                ["Rules:Store:PostgresConnectionFile"] = file,
                ["Rules:Shared:Enabled"] = "true",
                ["Rules:Shared:Partitions"] = "4",
                ["Rules:DefaultProfile"] = "pharma_2_8",
            });
            var store = Assert.IsType<SharedRuleStore>(provider.GetRequiredService<IRuleStore>());
            Assert.IsType<PostgresRuleStore>(store.Inner);
            Assert.Same(provider.GetRequiredService<PartitionOwnership>(), provider.GetRequiredService<IContainerOwnership>());
            SharedRulesWorker worker = Assert.Single(provider.GetServices<IHostedService>().OfType<SharedRulesWorker>());

            await worker.StartAsync(default);
            try
            {
                var box = new ContainerKey("acme", "CSQU3054383");
                long t0 = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
                await provider.GetRequiredService<SharedRuleLog>().AppendAsync(
                    [.. Enumerable.Range(0, 10).Select(i => RuleInput.Reading(box, "tag7", 1, (uint)i, t0 + (i * 300_000L), i < 2 ? 5 : 9.5))]);
                DateTime deadline = DateTime.UtcNow.AddSeconds(30);
                IReadOnlyList<Alert> alerts;
                while ((alerts = await store.ListAlertsAsync(new AlertQuery())).Count == 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the worker evaluated nothing in 30 s");
                    await Task.Delay(100);
                }
                Assert.Equal("temp_high", Assert.Single(alerts).Kind);
                Assert.Equal(4, provider.GetRequiredService<PartitionOwnership>().Count);
            }
            finally
            {
                await worker.StopAsync(default);
            }
            Assert.Equal(0, provider.GetRequiredService<PartitionOwnership>().Count);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
