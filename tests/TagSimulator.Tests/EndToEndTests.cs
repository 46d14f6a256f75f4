using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Uplink;
using Tracking.Testing;

namespace TagSimulator.Tests;

/// <summary>Simulator -> real mosquitto -> the gateway as a child process -> real influxd; the manifest against the database.</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private const string Db = "tracking";
    private MosquittoServer _mqtt = null!;
    private InfluxdServer _influx = null!;
    private Process? _gateway;
    private readonly string _spoolDir = Path.Combine(Path.GetTempPath(), "tracking-tests", "sim-gw-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _mqtt = await MosquittoServer.StartAsync();
        _influx = await InfluxdServer.StartAsync();
        await _influx.CreateDatabaseAsync(Db);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is { HasExited: false })
        {
            _gateway.Kill(true);
            await _gateway.WaitForExitAsync();
        }
        _gateway?.Dispose();
        _http.Dispose();
        await _mqtt.DisposeAsync();
        await _influx.DisposeAsync();
        try { Directory.Delete(_spoolDir, true); } catch (DirectoryNotFoundException) { }
    }

    private async Task StartGatewayAsync()
    {
        string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string dll = RepoPaths.Of("gateway", "Tracking.Gateway", "bin", config, "net10.0", "Tracking.Gateway.dll");
        Assert.True(File.Exists(dll), $"gateway not built: {dll}");
        int httpPort = FreePort.Get();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
        {
            dll, "--mqtt-url", $"mqtt://127.0.0.1:{_mqtt.Port}", "--influx-url", _influx.Url.ToString(), "--influx-db", Db,
            "--influx-version", "1", "--spool-dir", _spoolDir, "--http-url", $"http://127.0.0.1:{httpPort}", "--mqtt-client-id", "gw-sim-e2e",
        })
        {
            psi.ArgumentList.Add(a);
        }
        _gateway = Process.Start(psi)!;
        _gateway.OutputDataReceived += (_, _) => { };
        _gateway.ErrorDataReceived += (_, _) => { };
        _gateway.BeginOutputReadLine();
        _gateway.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_gateway.HasExited, "the gateway exited");
            try
            {
                if ((await _http.GetAsync($"http://127.0.0.1:{httpPort}/healthz")).IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "gateway not healthy after 60 s");
            await Task.Delay(200);
        }
    }

    private async Task<JsonElement> QueryAsync(string q)
    {
        string url = $"{_influx.Url}query?db={Db}&epoch=ms&q={Uri.EscapeDataString(q)}";
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(url));
        return doc.RootElement.GetProperty("results")[0].Clone();
    }

    private async Task<long> CountAsync()
    {
        var result = await QueryAsync("SELECT count(seq) FROM env");
        return result.TryGetProperty("series", out var s) ? s[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    [Fact]
    public async Task Every_acknowledged_reading_reaches_influxdb_exactly_once_with_its_exact_values()
    {
        await StartGatewayAsync();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000 - 2 * 86_400_000L;
        // seed 8: among the 20 tags' resets are both unsynced paths (about 49 readings sent with a0, 37 with t_est)
        var options = SimulatorOptions.Parse(["--fleet", "e2e", "--tags", "20", "--duration", "2d", "--seed", "8", "--connections", "3"]);
        FleetManifest manifest;
        await using (var transport = new MqttTransport("127.0.0.1", _mqtt.Port, options.Fleet, options.Connections, NullLoggerFactory.Instance))
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
        var sw = Stopwatch.StartNew();
        long count = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(60) && (count = await CountAsync()) < expected) await Task.Delay(250);
        Assert.Equal(expected, count);

        foreach (var tag in manifest.Tags)
        {
            var result = await QueryAsync(
                $"SELECT temp_c, rh_pct, pressure_hpa, peak_g, boot, seq, container, t_est, a0_time FROM env WHERE \"tag\" = '{tag.Tag}' AND fleet = 'e2e'");
            var rows = result.GetProperty("series")[0].GetProperty("values");
            var stored = new Dictionary<(long, long), JsonElement>();
            foreach (var row in rows.EnumerateArray())
            {
                Assert.True(stored.TryAdd((row[5].GetInt64(), row[6].GetInt64()), row), $"{tag.Tag}: (boot, seq) stored twice");
            }
            Assert.Equal(tag.Readings.Count, stored.Count);
            foreach (var r in tag.Readings)
            {
                Assert.True(stored.TryGetValue((r.Boot, r.Seq), out var row), $"{tag.Tag} boot {r.Boot} seq {r.Seq} missing");
                // an a0 reading has no time of its own: stored at the time its (boot, seq) gives, with the time
                // derived from its arrival in a0_time (protocol.md 10)
                Assert.Equal(r.TimeMs ?? A0PointTime(r.Boot, r.Seq), row[0].GetInt64());
                Assert.Equal(r.TimeMs is null, row[9].ValueKind == JsonValueKind.Number);
                Assert.Equal(r.Estimated, row[8].ValueKind == JsonValueKind.True);
                Assert.Equal(r.TempC, Nullable(row[1]));
                Assert.Equal(r.HumidityPct, Nullable(row[2]));
                Assert.Equal(r.PressureHpa, Nullable(row[3]));
                Assert.Equal(r.PeakG, Nullable(row[4]));
                Assert.Equal(tag.Container, row[7].GetString());
            }
        }
    }

    /// <summary>Where an a0-timed reading is stored: -1 - ((boot mod 2^21) * 2^32 + seq) Unix ms (docs/protocol.md 10).</summary>
    private static long A0PointTime(long boot, long seq) => -1 - ((boot % (1L << 21)) * (1L << 32) + seq);

    private static double? Nullable(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    private static byte[] Json(FleetManifest m)
    {
        using var s = new MemoryStream();
        m.Write(s);
        return s.ToArray();
    }
}
