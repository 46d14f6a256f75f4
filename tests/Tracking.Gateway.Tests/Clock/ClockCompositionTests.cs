using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Clock;
using Tracking.Gateway.Ingest.Configuration;

namespace Tracking.Gateway.Tests.Clock;

/// <summary>
/// The composed gateway has one clock for every room, and stepping <c>Clock:Offset</c> in the <c>--config</c> file steps it
/// while the gateway runs (the file watcher of the real configuration, no restart).
/// </summary>
public sealed class ClockCompositionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracking-clock-").FullName;

    [Fact]
    public async Task Every_room_gets_the_gateway_clock_and_a_changed_config_file_steps_it()
    {
        string file = Path.Combine(_dir, "gateway.json");
        await File.WriteAllTextAsync(file, """{ "Clock": { "Offset": "00:10:00" } }""");
        await using var app = GatewayApp.Build(["--config", file, "--spool-dir", Path.Combine(_dir, "spool")]);
        GatewayApp.ValidateSettings(app.Services);

        var clock = Assert.IsType<GatewayClock>(app.Services.GetRequiredService<TimeProvider>());
        Assert.Same(clock, app.Services.GetRequiredService<GatewayClock>());
        Assert.Equal(TimeSpan.FromMinutes(10), clock.Offset);
        TimeSpan ahead = clock.GetUtcNow() - DateTimeOffset.UtcNow;
        Assert.InRange(ahead, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
        // the ingest room (AddIngest's TryAddSingleton(TimeProvider.System)) did not add a clock of its own
        Assert.Single(app.Services.GetServices<TimeProvider>());

        await File.WriteAllTextAsync(file, """{ "Clock": { "Offset": "-01:00:00" } }""");
        Assert.True(await EventuallyAsync(() => clock.Offset == TimeSpan.FromHours(-1)), $"offset still {clock.Offset}");

        await File.WriteAllTextAsync(file, """{ "Clock": { "Offset": "900.00:00:00" } }"""); // refused: the clock stays
        await File.WriteAllTextAsync(file, """{ "Clock": { "Offset": "00:00:00" } }""");
        Assert.True(await EventuallyAsync(() => clock.Offset == TimeSpan.Zero), $"offset still {clock.Offset}");
    }

    [Fact]
    public async Task An_offset_beyond_a_year_stops_the_start_naming_the_setting()
    {
        await using var app = GatewayApp.Build(["--Clock:Offset=400.00:00:00", "--spool-dir", Path.Combine(_dir, "spool")]);
        var ex = Assert.Throws<GatewayConfigurationException>(() => GatewayApp.ValidateSettings(app.Services));
        Assert.Contains("Clock:Offset", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The file watcher reports a change within a second or so (it waits 250 ms for writes to settle).</summary>
    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++) await Task.Delay(100);
        return condition();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
