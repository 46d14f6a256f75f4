using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Rules.Tests.Report;

/// <summary>The "Reports" section: bound, defaults valid, bad values refused at start with every reason.</summary>
public class ReportOptionsTests
{
    private static ReportOptions Resolve(Dictionary<string, string?> settings)
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using ServiceProvider services = new ServiceCollection().AddTripReports(config).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ReportOptions>>().Value;
    }

    [Fact]
    public void The_defaults_are_valid_and_settings_bind_into_the_nested_sections()
    {
        Assert.True(new ReportOptionsValidator().Validate(null, new ReportOptions()).Succeeded);
        ReportOptions o = Resolve(new() { ["Reports:MaxRange"] = "31.00:00:00", ["Reports:AirLeg:LowHpa"] = "700", ["Reports:DoorOpening:TempJumpC"] = "2.5" });
        Assert.Equal((TimeSpan.FromDays(31), 700.0, 2.5), (o.MaxRange, o.AirLeg.LowHpa, o.DoorOpening.TempJumpC));
    }

    [Fact]
    public void Bad_values_are_refused_each_with_its_key()
    {
        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            ["Reports:MaxRange"] = "00:10:00", ["Reports:AirLeg:LowHpa"] = "900", ["Reports:AirLeg:MinDuration"] = "00:00:00",
            ["Reports:DoorOpening:RhJumpPct"] = "-1", ["Reports:DoorOpening:MaxStep"] = "00:00:00",
        }));
        Assert.Equal(5, ex.Failures.Count());
        foreach (string key in new[] { "Reports:MaxRange", "Reports:AirLeg:LowHpa", "Reports:AirLeg:MinDuration", "Reports:DoorOpening:RhJumpPct", "Reports:DoorOpening:MaxStep" })
        {
            Assert.Contains(ex.Failures, f => f.StartsWith(key, StringComparison.Ordinal));
        }
    }
}
