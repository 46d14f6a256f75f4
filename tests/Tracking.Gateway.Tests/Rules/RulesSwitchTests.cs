using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Tests.Rules;

/// <summary>Rules:Enabled: on by default; off, nothing feeds the rules (no rules spool reader) and the gateway, its live view included, still starts.</summary>
public sealed class RulesSwitchTests
{
    [Fact]
    public async Task The_rules_are_fed_by_default()
    {
        await using var app = GatewayApp.Build([]);
        GatewayApp.ValidateSettings(app.Services);
        Assert.Contains(RulesFeed.ReaderName, app.Services.GetServices<ISpoolConsumer>().Select(c => c.Name));
    }

    [Fact]
    public async Task Rules_switched_off_have_no_spool_reader()
    {
        await using var app = GatewayApp.Build(["--Rules:Enabled=false"]);
        GatewayApp.ValidateSettings(app.Services);
        // The live view keeps its own reader; only the rules' is gone.
        Assert.DoesNotContain(RulesFeed.ReaderName, app.Services.GetServices<ISpoolConsumer>().Select(c => c.Name));
        Assert.Contains("live", app.Services.GetServices<ISpoolConsumer>().Select(c => c.Name));
        // Every hosted service (the live view's refresher needs the engine and the store) can still be made.
        Assert.NotEmpty(app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>());
    }
}
