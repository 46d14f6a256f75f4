using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Shared;

public sealed class SharedRulesOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(string storeKind, Action<SharedRulesOptions> change)
    {
        var rules = new RulesOptions();
        change(rules.Shared);
        return new SharedRulesOptionsValidator(Options.Create(new RuleStoreOptions { Kind = storeKind })).Validate(null, rules);
    }

    [Fact]
    public void Off_by_default_and_valid_with_any_store()
    {
        Assert.False(new RulesOptions().Shared.Enabled);
        Assert.True(Validate(RuleStoreKind.Sqlite, _ => { }).Succeeded);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("memory")]
    public void Shared_mode_without_a_PostgreSQL_store_is_a_start_error(string kind)
    {
        ValidateOptionsResult result = Validate(kind, s => s.Enabled = true);
        Assert.True(result.Failed);
        Assert.Contains($"Rules:Shared:Enabled needs Rules:Store:Kind postgres", result.FailureMessage);
        Assert.Contains($"not '{kind}'", result.FailureMessage);
    }

    [Fact]
    public void Shared_mode_on_PostgreSQL_is_valid() => Assert.True(Validate("postgres", s => s.Enabled = true).Succeeded);

    [Fact]
    public void Every_bad_value_is_named()
    {
        ValidateOptionsResult result = Validate("postgres", s =>
        {
            s.Partitions = 0;
            s.ReadBatch = 0;
            s.PollInterval = TimeSpan.Zero;
            s.RebalanceInterval = TimeSpan.FromHours(1);
            s.LogRetention = TimeSpan.FromDays(-1);
        });
        foreach (string key in (string[])["Partitions", "ReadBatch", "PollInterval", "RebalanceInterval", "LogRetention"])
        {
            Assert.Contains($"Rules:Shared:{key}", result.FailureMessage);
        }
    }
}
