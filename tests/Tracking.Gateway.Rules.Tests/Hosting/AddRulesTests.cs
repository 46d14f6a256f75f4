using Tracking.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Hosting;

/// <summary>AddRules: options bound and validated, the in-memory store by default, the timer driving silence.</summary>
public sealed class AddRulesTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        before?.Invoke(services);
        services.AddRules(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Options_bind_from_the_Rules_section_and_the_store_is_the_one_Rules_Store_Kind_names()
    {
        using ServiceProvider provider = Build(new()
        {
            ["Rules:EscalateAfter"] = "00:45:00", ["Rules:DefaultProfile"] = "pharma_2_8", ["Rules:SilenceCheckInterval"] = "00:00:10",
            ["Rules:Store:Kind"] = "memory",
        });
        RulesOptions options = provider.GetRequiredService<IOptions<RulesOptions>>().Value;
        Assert.Equal((TimeSpan.FromMinutes(45), "pharma_2_8", TimeSpan.FromSeconds(10)), (options.EscalateAfter, options.DefaultProfile, options.SilenceCheckInterval));
        Assert.IsType<InMemoryRuleStore>(provider.GetRequiredService<IRuleStore>());
        Assert.Same(provider.GetRequiredService<RuleEngine>(), provider.GetRequiredService<RuleEngine>());
        Assert.Single(provider.GetServices<IHostedService>().OfType<RulesTimerService>());
    }

    [Theory]
    [InlineData("Rules:EscalateAfter", "00:00:00", "EscalateAfter")]
    [InlineData("Rules:SilenceCheckInterval", "02:00:00", "SilenceCheckInterval")]
    [InlineData("Rules:DefaultProfile", "Not A Name", "DefaultProfile")]
    [InlineData("Rules:WindowReadings", "3", "WindowReadings")]
    [InlineData("Rules:PredictionHorizon", "00:00:00", "PredictionHorizon")]
    [InlineData("Rules:PredictionWindow", "1.00:00:01", "PredictionWindow")]
    [InlineData("Rules:PredictionPoints", "65", "PredictionPoints")]
    [InlineData("Rules:PredictionMinPoints", "2", "PredictionMinPoints")]
    [InlineData("Rules:PredictionMinConfidence", "0.4", "PredictionMinConfidence")]
    [InlineData("Rules:PredictionConfirm", "02:00:00", "PredictionConfirm")]
    [InlineData("Rules:PredictionRefit", "02:00:00", "PredictionRefit")]
    [InlineData("Rules:PredictionRefit", "-00:00:01", "PredictionRefit")]
    [InlineData("Rules:StateSaveInterval", "00:01:01", "StateSaveInterval")]
    [InlineData("Rules:StateSaveInterval", "-00:00:01", "StateSaveInterval")]
    [InlineData("Rules:FeedCollectDelay", "00:00:01.001", "FeedCollectDelay")]
    [InlineData("Rules:FeedCollectDelay", "-00:00:00.001", "FeedCollectDelay")]
    [InlineData("Rules:FeedMaxBatch", "0", "FeedMaxBatch")]
    [InlineData("Rules:FeedMaxBatch", "65537", "FeedMaxBatch")]
    public void Bad_options_are_refused_with_the_reason(string key, string value, string reason)
    {
        using ServiceProvider provider = Build(new() { [key] = value });
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RulesOptions>>().Value);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_registered_before_is_kept()
    {
        var mine = new InMemoryRuleStore();
        using ServiceProvider provider = Build([], s => s.AddSingleton<IRuleStore>(mine));
        Assert.Same(mine, provider.GetRequiredService<IRuleStore>());
    }

    [Fact]
    public async Task The_hosted_timer_opens_tag_silent_when_the_clock_passes_the_silence_limit()
    {
        var time = new ManualTimeProvider(T0);
        var store = new InMemoryRuleStore();
        using ServiceProvider provider = Build(
            new() { ["Rules:DefaultProfile"] = "pharma_2_8", ["Rules:SilenceCheckInterval"] = "00:01:00" },
            s => s.AddSingleton<TimeProvider>(time).AddSingleton<IRuleStore>(store));
        await provider.GetRequiredService<RuleEngine>().ProcessAsync([R(0, 5)]);
        RulesTimerService timer = provider.GetServices<IHostedService>().OfType<RulesTimerService>().Single();
        await timer.StartAsync(CancellationToken.None);
        try
        {
            // pharma_2_8: silent after 130 min. Tick by tick, as the timer would see the clock move.
            for (int minute = 0; minute < 131; minute++) time.Advance(TimeSpan.FromMinutes(1));
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline && (await store.ListAlertsAsync(new AlertQuery())).Count == 0)
            {
                time.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(20);
            }
            Assert.Equal("tag_silent", Assert.Single(await store.ListAlertsAsync(new AlertQuery())).Kind);
        }
        finally
        {
            await timer.StopAsync(CancellationToken.None);
        }
    }
}
