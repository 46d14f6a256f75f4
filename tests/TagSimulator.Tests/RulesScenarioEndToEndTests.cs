using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Uplink;
using Tracking.Testing;
using Tracking.Testing.EndToEnd;
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
    private const string Fleet = "rules-e2e";
    private const string Profile = "pharma_2_8";
    private GatewayRig _rig = null!;

    private readonly ITestOutputHelper _log;

    public RulesScenarioEndToEndTests(ITestOutputHelper log) => _log = log;

    public async Task InitializeAsync() => _rig = await GatewayRig.StartAsync("gw-rules-e2e", $"--Rules:DefaultProfile={Profile}");

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    private GatewayProcess Gateway => _rig.Gateway;

    [Fact]
    public async Task Compressor_failure_and_rough_handling_raise_exactly_the_expected_alerts_across_a_gateway_kill()
    {
        var total = Stopwatch.StartNew();
        await Gateway.StartAsync();
        ProfileRules rules = await ProfileRules.ReadAsync(Gateway, Profile);

        // 12 h of voyage ending about now (the gateway accepts it), one container of each scenario kind.
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - (12 * 3_600_000L);
        long half = start + (6 * 3_600_000L);
        var options = SimulatorOptions.Parse(["--fleet", Fleet, "--tags", "5", "--duration", "12h", "--seed", "21", "--scenarios", "1", "--connections", "2"]);
        await using var transport = new MqttTransport("127.0.0.1", _rig.Mqtt.Port, options.Fleet, options.Connections, NullLoggerFactory.Instance);
        await transport.ConnectAsync(CancellationToken.None);
        var sim = new FleetSimulation(options, transport, start, recordManifest: true);

        // First half, then wait for the gateway to have raised what that half calls for.
        await Task.Run(() => sim.RunUntil(half, CancellationToken.None));
        FleetManifest firstHalf = sim.BuildManifest();
        List<AlertFact> expectedFirst = ExpectedAlerts.From(firstHalf, rules);
        Assert.Contains(expectedFirst, a => a.Kind == "temp_high"); // the failure alarms before the half (TagScenario.ForFleet)
        Assert.Contains(expectedFirst, a => a.Kind == "shock");
        Dictionary<AlertFact, long> idsBefore = (await FleetAlerts.WaitForAsync(Gateway, Fleet, expectedFirst)).ToDictionary(a => a.Fact, a => a.Id);

        // kill -9 half-way: nothing flushed, nothing said goodbye. The tags go on; mosquitto keeps the gateway's
        // session's messages until it is back.
        await Gateway.KillAsync();
        await Task.Run(() => sim.Run(CancellationToken.None));
        FleetManifest manifest = sim.BuildManifest();
        await Gateway.StartAsync();

        List<AlertFact> expected = ExpectedAlerts.From(manifest, rules);
        List<(AlertFact Fact, long Id)> final = await FleetAlerts.WaitForAsync(Gateway, Fleet, expected);
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
        long[] roughShocks = [.. rough.Scenario!.Shocks.Where(s => s.G >= rules.ShockG).Select(s => s.AtMs)];
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
}
