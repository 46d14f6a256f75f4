using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Uplink;
using Tracking.Testing;
using Xunit.Abstractions;

namespace TagSimulator.Tests;

/// <summary>
/// The fleet's scenario containers (<c>--scenarios</c>) through real mosquitto, the gateway as a child process (rules on
/// the pharma profile, state in its SQLite file) and real influxd: the alerts the gateway raises are exactly those
/// computed here from the manifest's readings and events and the profile's rules, read from the gateway's own API
/// (kind, band, since in device time to the reading, state; no duplicates, none elsewhere), and a kill -9 and restart
/// of the gateway half-way keeps them (same ids, none lost, none doubled).
/// </summary>
public sealed class RulesScenarioEndToEndTests : IAsyncLifetime
{
    private const string Db = "tracking";
    private const string Fleet = "rules-e2e";
    private const string Profile = "pharma_2_8";
    private MosquittoServer _mqtt = null!;
    private InfluxdServer _influx = null!;
    private Process? _gateway;
    private int _httpPort;
    private readonly string _spoolDir = Path.Combine(Path.GetTempPath(), "tracking-tests", "sim-rules-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly System.Text.StringBuilder _output = new();

    private readonly ITestOutputHelper _log;

    public RulesScenarioEndToEndTests(ITestOutputHelper log) => _log = log;

    public async Task InitializeAsync()
    {
        _mqtt = await MosquittoServer.StartAsync();
        _influx = await InfluxdServer.StartAsync();
        await _influx.CreateDatabaseAsync(Db);
    }

    public async Task DisposeAsync()
    {
        await KillGatewayAsync();
        _http.Dispose();
        await _mqtt.DisposeAsync();
        await _influx.DisposeAsync();
        try { Directory.Delete(_spoolDir, true); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>One alert as compared: what it is about and its state, not its id or key.</summary>
    private sealed record AlertFact(string Container, string Kind, string? Band, long SinceMs, string State)
    {
        public override string ToString() =>
            $"{Container} {Kind} {Band} since {DateTimeOffset.FromUnixTimeMilliseconds(SinceMs):O} {State}";
    }

    /// <summary>A band of the profile as the API serves it.</summary>
    private sealed record BandRule(string Name, string Metric, string Kind, double Limit, long DelayMs, double Hysteresis);

    [Fact]
    public async Task Compressor_failure_and_rough_handling_raise_exactly_the_expected_alerts_across_a_gateway_kill()
    {
        var total = Stopwatch.StartNew();
        await StartGatewayAsync();
        (List<BandRule> bands, double shockG) = await ProfileAsync();

        // 12 h of voyage ending about now (the gateway accepts it), one container of each scenario kind.
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - (12 * 3_600_000L);
        long half = start + (6 * 3_600_000L);
        var options = SimulatorOptions.Parse(["--fleet", Fleet, "--tags", "5", "--duration", "12h", "--seed", "21", "--scenarios", "1", "--connections", "2"]);
        await using var transport = new MqttTransport("127.0.0.1", _mqtt.Port, options.Fleet, options.Connections, NullLoggerFactory.Instance);
        await transport.ConnectAsync(CancellationToken.None);
        var sim = new FleetSimulation(options, transport, start, recordManifest: true);

        // First half, then wait for the gateway to have raised what that half calls for.
        await Task.Run(() => sim.RunUntil(half, CancellationToken.None));
        FleetManifest firstHalf = sim.BuildManifest();
        List<AlertFact> expectedFirst = Expected(firstHalf, bands, shockG);
        Assert.Contains(expectedFirst, a => a.Kind == "temp_high"); // the failure alarms before the half (TagScenario.ForFleet)
        Assert.Contains(expectedFirst, a => a.Kind == "shock");
        Dictionary<AlertFact, long> idsBefore = (await WaitForAlertsAsync(expectedFirst)).ToDictionary(a => a.Fact, a => a.Id);

        // kill -9 half-way: nothing flushed, nothing said goodbye. The tags go on; mosquitto keeps the gateway's
        // session's messages until it is back.
        await KillGatewayAsync();
        await Task.Run(() => sim.Run(CancellationToken.None));
        FleetManifest manifest = sim.BuildManifest();
        await StartGatewayAsync();

        List<AlertFact> expected = Expected(manifest, bands, shockG);
        List<(AlertFact Fact, long Id)> final = await WaitForAlertsAsync(expected);
        // No alert raised before the kill was raised again: the ones still in the same state kept their ids (a new id
        // would be a second alert for the same thing; the store's keys make that impossible, the ids show it).
        foreach ((AlertFact fact, long id) in final)
        {
            if (idsBefore.TryGetValue(fact, out long before)) Assert.Equal(before, id);
        }
        Assert.True(final.Select(a => a.Id).Distinct().Count() == final.Count);
        Assert.True(idsBefore.Values.All(id => final.Exists(a => a.Id == id)), "an alert raised before the kill is gone");

        // What the scenarios made happen, from the manifest's scenario records, is what was found in the readings.
        TagManifest failing = Assert.Single(manifest.Tags, t => t.Scenario!.Kind == ScenarioKind.CompressorFailure);
        TagManifest rough = Assert.Single(manifest.Tags, t => t.Scenario!.Kind == ScenarioKind.RoughHandling);
        AlertFact high = Assert.Single(final.Select(a => a.Fact), a => a.Container == failing.Container && a.Kind == "temp_high" && a.Band == "temp_c_upper_8");
        Assert.InRange(high.SinceMs, failing.Scenario!.FailureStartMs!.Value, failing.Scenario.FailureStartMs.Value + (4 * 3_600_000L));
        long[] roughShocks = [.. rough.Scenario!.Shocks.Where(s => s.G >= shockG).Select(s => s.AtMs)];
        long[] shockAlerts = [.. final.Select(a => a.Fact).Where(a => a.Kind == "shock").Select(a => a.SinceMs).Order()];
        Assert.Equal(roughShocks.Length, shockAlerts.Length);
        for (int i = 0; i < roughShocks.Length; i++) Assert.InRange(shockAlerts[i], roughShocks[i] - 2_000, roughShocks[i] + 2_000);
        // The other scenario containers (air leg, silent tag, door openings) raise nothing: within 12 h no MKT judgement,
        // and silence is judged on the gateway's clock (2 h 10 min of it), not on device time.
        string[] quiet = [.. manifest.Tags.Where(t => t.Scenario!.Kind is ScenarioKind.AirLeg or ScenarioKind.TagSilent or ScenarioKind.DoorOpenings).Select(t => t.Container)];
        Assert.DoesNotContain(final, a => quiet.Contains(a.Fact.Container));
        Assert.True(total.Elapsed < TimeSpan.FromSeconds(90), $"took {total.Elapsed}");
        _log.WriteLine($"{expectedFirst.Count} alerts before the kill, {expected.Count} at the end, in {total.Elapsed}:\n  {string.Join("\n  ", expected)}");
    }

    /// <summary>
    /// The alerts the profile's rules call for, computed from the manifest alone (no gateway code): per band, an
    /// excursion starts at the first reading at or beyond the limit (inclusive) and ends at the first reading back inside
    /// by the hysteresis; its alarm fires at the first reading of it at least the delay after its start, since that start,
    /// open while the excursion lasts, resolved after. Each shock event at or over the profile's g: one open alert since
    /// its time.
    /// </summary>
    private static List<AlertFact> Expected(FleetManifest manifest, List<BandRule> bands, double shockG)
    {
        var expected = new List<AlertFact>();
        foreach (TagManifest tag in manifest.Tags)
        {
            ManifestReading[] readings = [.. tag.Readings.Where(r => r.TimeMs is not null && !r.Estimated).OrderBy(r => r.TimeMs).ThenBy(r => r.Boot).ThenBy(r => r.Seq)];
            foreach (BandRule band in bands)
            {
                bool outside = false, alarmed = false;
                long startMs = 0;
                int raised = -1;
                foreach (ManifestReading r in readings)
                {
                    double? v = band.Metric == "temp_c" ? r.TempC : r.HumidityPct;
                    if (v is not { } value) continue;
                    long t = r.TimeMs!.Value;
                    bool beyond = band.Kind == "upper" ? value >= band.Limit : value <= band.Limit;
                    if (outside)
                    {
                        bool backInside = band.Kind == "upper"
                            ? value < band.Limit && value <= band.Limit - band.Hysteresis
                            : value > band.Limit && value >= band.Limit + band.Hysteresis;
                        if (backInside)
                        {
                            outside = false;
                            if (raised >= 0) expected[raised] = expected[raised] with { State = "resolved" };
                            raised = -1;
                        }
                    }
                    if (!outside && beyond)
                    {
                        (outside, alarmed, startMs) = (true, false, t);
                    }
                    if (outside && !alarmed && t - startMs >= band.DelayMs)
                    {
                        alarmed = true;
                        string kind = (band.Metric == "temp_c" ? "temp_" : "rh_") + (band.Kind == "upper" ? "high" : "low");
                        expected.Add(new AlertFact(tag.Container, kind, band.Name, startMs, "open"));
                        raised = expected.Count - 1;
                    }
                }
            }
            foreach (ManifestEvent e in tag.Events.Where(e => e.Kind == "shock" && e.Value >= shockG && e.TimeMs is not null))
            {
                expected.Add(new AlertFact(tag.Container, "shock", null, e.TimeMs!.Value, "open"));
            }
        }
        return expected;
    }

    private async Task<(List<BandRule> Bands, double ShockG)> ProfileAsync()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_httpPort}/api/v1/profiles/{Profile}"));
        JsonElement p = doc.RootElement;
        List<BandRule> bands = [.. p.GetProperty("bands").EnumerateArray().Select(b => new BandRule(
            b.GetProperty("name").GetString()!, b.GetProperty("metric").GetString()!, b.GetProperty("kind").GetString()!,
            b.GetProperty("limit").GetDouble(), (long)(b.GetProperty("delay_s").GetDouble() * 1000), b.GetProperty("hysteresis").GetDouble()))];
        Assert.All(bands, b => Assert.Contains(b.Kind, new[] { "upper", "lower" })); // the reference above knows no dual bands
        return (bands, p.GetProperty("shock_g").GetDouble());
    }

    /// <summary>Polls the API until the fleet's alerts are exactly <paramref name="expected"/> (as a multiset) and stay so for 2 s.</summary>
    private async Task<List<(AlertFact Fact, long Id)>> WaitForAlertsAsync(List<AlertFact> expected)
    {
        string[] want = [.. expected.Select(a => a.ToString()).Order(StringComparer.Ordinal)];
        var sw = Stopwatch.StartNew();
        TimeSpan sameSince = TimeSpan.MaxValue;
        List<(AlertFact Fact, long Id)> now = [];
        while (true)
        {
            now = await AlertsAsync();
            string[] have = [.. now.Select(a => a.Fact.ToString()).Order(StringComparer.Ordinal)];
            if (have.SequenceEqual(want))
            {
                if (sameSince == TimeSpan.MaxValue) sameSince = sw.Elapsed;
                if (sw.Elapsed - sameSince >= TimeSpan.FromSeconds(2)) return now;
            }
            else
            {
                sameSince = TimeSpan.MaxValue;
            }
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(45),
                $"alerts after {sw.Elapsed}:\n  {string.Join("\n  ", have)}\nexpected:\n  {string.Join("\n  ", want)}");
            await Task.Delay(200);
        }
    }

    private async Task<List<(AlertFact Fact, long Id)>> AlertsAsync()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_httpPort}/api/v1/alerts?fleet={Fleet}&limit=1000"));
        return [.. doc.RootElement.EnumerateArray().Select(a => (new AlertFact(
            a.GetProperty("container").GetString()!, a.GetProperty("kind").GetString()!,
            a.GetProperty("band").ValueKind == JsonValueKind.Null ? null : a.GetProperty("band").GetString(),
            DateTimeOffset.Parse(a.GetProperty("since").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            a.GetProperty("state").GetString()!), a.GetProperty("id").GetInt64()))];
    }

    private async Task StartGatewayAsync()
    {
        string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string dll = RepoPaths.Of("gateway", "Tracking.Gateway", "bin", config, "net10.0", "Tracking.Gateway.dll");
        Assert.True(File.Exists(dll), $"gateway not built: {dll}");
        _httpPort = FreePort.Get();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[]
        {
            dll, "--mqtt-url", $"mqtt://127.0.0.1:{_mqtt.Port}", "--influx-url", _influx.Url.ToString(), "--influx-db", Db,
            "--influx-version", "1", "--spool-dir", _spoolDir, "--http-url", $"http://127.0.0.1:{_httpPort}", "--mqtt-client-id", "gw-rules-e2e",
            $"--Rules:DefaultProfile={Profile}",
        })
        {
            psi.ArgumentList.Add(a);
        }
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TRACKING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        lock (_output) _output.Clear();
        _gateway = Process.Start(psi)!;
        _gateway.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _gateway.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _gateway.BeginOutputReadLine();
        _gateway.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            string output;
            lock (_output) output = _output.ToString();
            Assert.False(_gateway.HasExited, $"the gateway exited:\n{output}");
            // Subscribed (log event 401): from now on the broker keeps the session's messages for it, also across a kill.
            if (output.Contains("Subscribed to", StringComparison.Ordinal))
            {
                try
                {
                    if ((await _http.GetAsync($"http://127.0.0.1:{_httpPort}/healthz")).IsSuccessStatusCode) return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // not listening yet
                }
            }
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"gateway not subscribed and healthy after 60 s:\n{output}");
            await Task.Delay(100);
        }
    }

    private async Task KillGatewayAsync()
    {
        if (_gateway is null) return;
        if (!_gateway.HasExited)
        {
            _gateway.Kill(entireProcessTree: true); // SIGKILL
            await _gateway.WaitForExitAsync();
        }
        _gateway.Dispose();
        _gateway = null;
    }
}
