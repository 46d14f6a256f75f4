using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Uplink;
using static TagSimulator.Tests.SimRuns;

namespace TagSimulator.Tests;

/// <summary>
/// The fleet's scenario containers (<c>--scenarios N</c>): which kinds, where, reproducibly per seed, and that the
/// manifest's scenario record says what happened, checked against what the tags measured and sent.
/// </summary>
public sealed class FleetScenarioTests
{
    private static FleetSimulation Run(int seed, int scenarios = 1, int tags = 7, string duration = "12h")
    {
        var options = SimulatorOptions.Parse(["--tags", tags.ToString(), "--duration", duration, "--seed", seed.ToString(),
            "--scenarios", scenarios.ToString(), "--workers", "2"]);
        var sim = new FleetSimulation(options, new LoopbackTransport(), Start, recordManifest: true);
        sim.Run(CancellationToken.None);
        return sim;
    }

    private static byte[] Json(FleetManifest m)
    {
        using var s = new MemoryStream();
        m.Write(s);
        return s.ToArray();
    }

    private static TagManifest Of(FleetManifest m, ScenarioKind kind) => Assert.Single(m.Tags, t => t.Scenario?.Kind == kind);

    [Fact]
    public void The_first_five_n_tags_are_the_scenario_kinds_in_order_and_a_seed_gives_the_same_fleet()
    {
        FleetManifest a = Run(seed: 3, scenarios: 2, tags: 12).BuildManifest();
        ScenarioKind?[] kinds = [.. a.Tags.Select(t => t.Scenario!.Kind)];
        Assert.Equal([.. TagScenario.FleetKinds, .. TagScenario.FleetKinds, null, null], kinds.Cast<ScenarioKind?>().ToArray());
        Assert.Equal(Json(a), Json(Run(seed: 3, scenarios: 2, tags: 12).BuildManifest()));
        Assert.NotEqual(Json(a), Json(Run(seed: 4, scenarios: 2, tags: 12).BuildManifest()));

        // the scenario record survives the file: a test reads it back from what scripts/run wrote
        FleetManifest back = FleetManifest.Parse(Json(a), out string? error) ?? throw new InvalidOperationException(error);
        Assert.Equal(a.Tags.Select(t => t.Scenario), back.Tags.Select(t => t.Scenario));
        Assert.Equal(Json(a), Json(back));
    }

    [Fact]
    public void The_random_voyages_beside_the_scenario_containers_are_those_of_a_fleet_without_them()
    {
        // Each tag draws from its own seed (FleetSimulation.TagSeed): taking the first five for scenarios leaves the
        // others' voyages as they were, so --scenarios adds containers to a fleet without changing the rest.
        FleetManifest with = Run(seed: 5, scenarios: 1, tags: 7, duration: "1d").BuildManifest();
        FleetManifest plain = Run(seed: 5, scenarios: 0, tags: 7, duration: "1d").BuildManifest();
        Assert.All(plain.Tags, t => Assert.Null(t.Scenario!.Kind));
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(plain.Tags[i].Container, with.Tags[i].Container);
            bool same = plain.Tags[i].Readings.SequenceEqual(with.Tags[i].Readings) && plain.Tags[i].Events.SequenceEqual(with.Tags[i].Events);
            Assert.Equal(i >= 5, same);
            Assert.Equal(i >= 5, plain.Tags[i].Scenario == with.Tags[i].Scenario);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_scenario_container_shows_in_its_readings_what_its_record_says(int seed)
    {
        FleetManifest all = Run(seed).BuildManifest();
        long end = Start + (12 * Hour);
        // the scenario containers (the last two tags are random voyages, with their own handling, legs and failures)
        var m = new FleetManifest { Tags = [.. all.Tags.Where(t => t.Scenario!.Kind is not null)] };
        Assert.Equal(5, m.Tags.Count);

        // Compressor failure: at its set point before, warming past 8 degC after; the failure between 1/8 and 1/5 of the run.
        TagManifest failing = Of(m, ScenarioKind.CompressorFailure);
        long failure = failing.Scenario!.FailureStartMs!.Value;
        Assert.InRange(failure, Start + (12 * Hour / 8), Start + (12 * Hour / 5));
        double setPoint = failing.Scenario.SetPointC;
        Assert.All(failing.Between(Start + (2 * Hour), failure), r => Assert.InRange(r.TempC!.Value, setPoint - 1.5, setPoint + 1.5));
        Assert.All(failing.Between(end - Hour, end), r => Assert.True(r.TempC > 9, $"{r.TempC} at {r.TimeMs} after a failure at {failure}"));

        // Rough handling: every shock at or over 4 g (one exactly 4 g) is a shock event at its time with its g; gentle ones are not.
        TagManifest rough = Of(m, ScenarioKind.RoughHandling);
        Shock[] hard = [.. rough.Scenario!.Shocks.Where(s => s.G >= TagScenario.RoughG)];
        Assert.InRange(hard.Length, 4, 7);
        Assert.Contains(hard, s => s.G == TagScenario.RoughG);
        Assert.Equal(2, rough.Scenario.Shocks.Count(s => s.G < TagScenario.RoughG));
        ManifestEvent[] events = [.. rough.Events.Where(e => e.Kind == "shock")];
        Assert.Equal(hard.Length, events.Length);
        for (int i = 0; i < hard.Length; i++)
        {
            Assert.Equal(hard[i].G, events[i].Value);
            Assert.InRange(events[i].TimeMs!.Value, hard[i].AtMs - 2_000, hard[i].AtMs + 2_000);
        }
        for (int i = 1; i < hard.Length; i++) Assert.True(hard[i].AtMs - hard[i - 1].AtMs >= 20 * 60_000, "shocks 20 min apart at least");

        // No other scenario container is handled roughly: no shock event there.
        Assert.All(m.Tags.Where(t => t != rough), t => Assert.DoesNotContain(t.Events, e => e.Kind == "shock"));
        Assert.All(m.Tags, t => Assert.All(t.Scenario!.Shocks.Where(_ => t != rough), s => Assert.True(s.G < TagScenario.RoughG)));

        // Air leg: cabin pressure while cruising, ground level before and an hour after.
        TagManifest flown = Of(m, ScenarioKind.AirLeg);
        TimeWindow leg = flown.Scenario!.AirLeg!.Value;
        Assert.True(leg.DurationMs >= 3 * Hour && leg.StartMs >= Start + (2 * Hour) && leg.EndMs <= end - Hour, $"{leg}");
        var cruise = flown.Between(leg.StartMs + (30 * 60_000), leg.EndMs - (30 * 60_000)).ToList();
        Assert.True(cruise.Count >= 20, $"{cruise.Count} readings at cruise");
        Assert.All(cruise, r => Assert.InRange(r.PressureHpa!.Value, 750, 850));
        Assert.All(flown.Between(Start, leg.StartMs).Concat(flown.Between(leg.EndMs + Hour, end)), r => Assert.InRange(r.PressureHpa!.Value, 990, 1035));
        Assert.All(m.Tags.Where(t => t != flown), t => Assert.Null(t.Scenario!.AirLeg));

        // Silent: nothing at or after the silence, and it sent until about then (it reports hourly).
        TagManifest silent = Of(m, ScenarioKind.TagSilent);
        long silence = silent.Scenario!.SilentFromMs!.Value;
        Assert.InRange(silence, Start + (4 * Hour), Start + (6 * Hour));
        long last = silent.Readings.Max(r => r.TimeMs!.Value);
        Assert.InRange(last, silence - (2 * Hour), silence - 1);
        Assert.DoesNotContain(silent.Events, e => e.TimeMs >= silence);
        Assert.All(m.Tags.Where(t => t != silent), t => Assert.True(t.Readings.Max(r => r.TimeMs!.Value) > end - (2 * Hour)));

        // Door openings: more than loading and unloading, all short.
        TagManifest doors = Of(m, ScenarioKind.DoorOpenings);
        Assert.True(doors.Scenario!.Doors.Count >= 3);
        Assert.All(m.Tags, t => Assert.All(t.Scenario!.Doors, d => Assert.InRange(d.DurationMs, 60_000, 5 * 60_000)));
        Assert.Single(failing.Scenario.Doors); // unloading only: loaded before the tag was switched on

        // None of them has a failure but the failing one, and no data that the rules could not place exactly.
        Assert.All(m.Tags.Where(t => t != failing), t => Assert.Null(t.Scenario!.FailureStartMs));
        Assert.All(m.Tags, t => Assert.All(t.Readings, r => Assert.True(r.TimeMs is not null && !r.Estimated && r.Boot == 1)));
    }

    [Fact]
    public void A_run_paused_and_continued_gives_the_run_in_one_go()
    {
        FleetSimulation whole = Run(seed: 9);
        var options = SimulatorOptions.Parse(["--tags", "7", "--duration", "12h", "--seed", "9", "--scenarios", "1", "--workers", "2"]);
        var paused = new FleetSimulation(options, new LoopbackTransport(), Start, recordManifest: true);
        paused.RunUntil(Start + (5 * Hour), CancellationToken.None);
        Assert.Equal(Start + (5 * Hour), paused.SimulatedNowMs);
        Assert.All(paused.BuildManifest().Tags, t => Assert.All(t.Readings, r => Assert.True(r.TimeMs < Start + (5 * Hour))));
        paused.Run(CancellationToken.None);
        Assert.Equal(Json(whole.BuildManifest()), Json(paused.BuildManifest()));
    }

    [Theory]
    [InlineData(new[] { "--tags", "4", "--scenarios", "1" }, "--scenarios 1 needs at least 5 tags")]
    [InlineData(new[] { "--tags", "5", "--scenarios", "1", "--duration", "6h" }, "at least 8h")]
    [InlineData(new[] { "--scenarios", "-1" }, "non-negative")]
    public void Scenarios_that_cannot_fit_are_refused_with_the_reason(string[] args, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => SimulatorOptions.Parse(args));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Measurement_and_fleet_scenarios_refuse_kinds_they_do_not_draw()
    {
        Assert.Throws<ArgumentException>(() => TagScenario.ForMeasurement(ScenarioKind.AirLeg, new Random(1), Start, 24 * Hour));
        Assert.Throws<ArgumentException>(() => TagScenario.ForFleet(ScenarioKind.Noise, new Random(1), Start, 24 * Hour));
        Assert.Throws<ArgumentException>(() => TagScenario.ForFleet(ScenarioKind.AirLeg, new Random(1), Start, 7 * Hour));
    }
}
