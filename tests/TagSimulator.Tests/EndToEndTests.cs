using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Uplink;
using Tracking.Testing;
using Tracking.Testing.EndToEnd;

namespace TagSimulator.Tests;

/// <summary>Simulator -> real mosquitto -> the gateway as a child process -> real influxd; the manifest against the database.</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private const string Fleet = "e2e";
    private GatewayRig _rig = null!;

    public async Task InitializeAsync() => _rig = await GatewayRig.StartAsync("gw-sim-e2e");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Every_acknowledged_reading_reaches_influxdb_exactly_once_with_its_exact_values()
    {
        await _rig.Gateway.StartAsync();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000 - 2 * 86_400_000L;
        // seed 8: among the 20 tags' resets are both unsynced paths (about 49 readings sent with a0, 37 with t_est)
        var options = SimulatorOptions.Parse(["--fleet", Fleet, "--tags", "20", "--duration", "2d", "--seed", "8", "--connections", "3"]);
        FleetManifest manifest;
        await using (var transport = new MqttTransport("127.0.0.1", _rig.Mqtt.Port, options.Fleet, options.Connections, NullLoggerFactory.Instance))
        {
            await transport.ConnectAsync(CancellationToken.None);
            var sim = new FleetSimulation(options, transport, start, recordManifest: true);
            await Task.Run(() => sim.Run(CancellationToken.None));
            manifest = sim.BuildManifest();
        }

        // the real broker changes nothing: the same seed over the in-memory broker gives the same manifest
        var reference = new FleetSimulation(options, new LoopbackTransport(), start, recordManifest: true);
        reference.Run(CancellationToken.None);
        Assert.Equal(Json(reference.BuildManifest()), Json(manifest));

        long expected = manifest.ReadingCount;
        Assert.True(expected > 20 * 500, $"only {expected} readings");
        // some tags cold-reboot (scenario ColdReboots) and take the unsynced-clock paths of protocol.md 7 to InfluxDB:
        // a later boot's readings, readings sent with an age (a0: no NTP reply after the reset) and readings sent
        // with t_est (a second reset before any sync). Counted so the run fails when a path stops being exercised.
        var all = manifest.Tags.SelectMany(t => t.Readings).ToList();
        int rebooted = all.Count(r => r.Boot >= 2);
        int byAge = all.Count(r => r.TimeMs is null);
        int estimated = all.Count(r => r.Estimated);
        Assert.True(rebooted > 0 && byAge > 0 && estimated > 0, $"boot >= 2: {rebooted}, a0: {byAge}, t_est: {estimated}");
        using var store = new StoredReadings(_rig.Influx.Url, GatewayRig.Database);
        Assert.True(await store.WaitForCountAsync(Fleet, expected, TimeSpan.FromSeconds(60)), $"{await store.CountAsync(Fleet)} of {expected} stored after 60 s");
        ReadingComparison comparison = await store.CompareAsync(manifest, Fleet);
        Assert.True(comparison.Exact, comparison.ToString());
    }

    private static byte[] Json(FleetManifest m)
    {
        using var s = new MemoryStream();
        m.Write(s);
        return s.ToArray();
    }
}
