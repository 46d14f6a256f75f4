using System.Diagnostics;
using Microsoft.Extensions.Options;
using TagSimulator.Models;
using TagSimulator.Time;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Bench;

/// <summary>
/// The rules' predictive warnings (issue 12) on the TagSimulator's measurement scenarios: per seed, one container of
/// each kind (compressor failure, door openings, noise) sampled every 5 min from the simulator's reefer model, fed
/// reading by reading to a RuleEngine (in-memory store, simulated clock, pharma_2_8), its warnings read after each
/// reading. Times are device times: lead = alarm reading - the reading that issued the warning in force then.
/// </summary>
public static class PredictionBenchmark
{
    private const long SampleMs = 300_000;
    private const long Start = 1_767_225_600_000; // 2026-01-01
    private const double TargetLeadMin = 60;
    private const double TargetShare = 0.9;
    private const double TargetFalsePer100Days = 1;

    private sealed record Episode(string Band, long IssuedMs, long EndMs);

    public static async Task<int> RunAsync(string[] args)
    {
        int seeds = BenchSupport.IntOption(args, "--seeds", 100);
        int days = BenchSupport.IntOption(args, "--days", 10);
        var options = new RulesOptions { DefaultProfile = "pharma_2_8", WindowSpan = TimeSpan.FromHours(3) };
        long horizonMs = (long)options.PredictionHorizon.TotalMilliseconds;
        long durationMs = days * 86_400_000L;
        Console.WriteLine($"prediction: {seeds} seeds x 3 scenarios x {days} days, readings every 5 min, profile pharma_2_8 (upper 8 C / lower 2 C after 30 min, 0 C and 15 C at once)");
        Console.WriteLine($"  horizon {options.PredictionHorizon}, trend window {options.PredictionWindow}, >= {options.PredictionMinPoints} readings, agreement >= {options.PredictionMinConfidence}, confirmed over {options.PredictionConfirm}");

        var leads = new List<double>();
        int failureAlarms = 0, warned = 0;
        var falseByKind = new Dictionary<ScenarioKind, int>();
        var warningsByKind = new Dictionary<ScenarioKind, int>();
        long readings = 0;
        var sw = Stopwatch.StartNew();
        for (int seed = 1; seed <= seeds; seed++)
        {
            foreach (ScenarioKind kind in TagScenario.MeasurementKinds)
            {
                var rng = new Random((seed * 3) + (int)kind);
                TagScenario scenario = TagScenario.ForMeasurement(kind, rng, Start, durationMs);
                (List<Episode> episodes, List<(string Band, long SinceMs, long AlarmMs)> alarms, long n) = await RunOneAsync(scenario, options, seed);
                readings += n;
                warningsByKind[kind] = warningsByKind.GetValueOrDefault(kind) + episodes.Count;
                falseByKind[kind] = falseByKind.GetValueOrDefault(kind)
                    + episodes.Count(e => !alarms.Exists(a => a.Band == e.Band && a.AlarmMs >= e.IssuedMs && a.AlarmMs <= e.IssuedMs + horizonMs));
                if (kind != ScenarioKind.CompressorFailure) continue;
                foreach (var alarm in alarms.Where(a => a.SinceMs >= scenario.CompressorFailureAtMs))
                {
                    failureAlarms++;
                    // The warning in force when the alarm fired (the alarm ends it at that very reading).
                    if (episodes.Find(e => e.Band == alarm.Band && e.IssuedMs <= alarm.AlarmMs && e.EndMs >= alarm.AlarmMs) is not { } w) continue;
                    warned++;
                    leads.Add((alarm.AlarmMs - w.IssuedMs) / 60_000.0);
                }
            }
        }
        sw.Stop();
        leads.Sort();
        double median = Percentile(leads, 0.5);
        double share = failureAlarms == 0 ? double.NaN : (double)warned / failureAlarms;
        double containerDays = 2.0 * seeds * days;
        int falseQuiet = falseByKind[ScenarioKind.DoorOpenings] + falseByKind[ScenarioKind.Noise];
        double falsePer100 = falseQuiet / containerDays * 100;
        Console.WriteLine($"  {readings} readings through the engine in {sw.Elapsed.TotalSeconds:F1} s ({sw.Elapsed.TotalMilliseconds * 1000 / readings:F1} us per reading with its store save and warning read)");
        Console.WriteLine();
        Console.WriteLine($"compressor failure ({seeds} containers): {failureAlarms} alarms after the failure, {warned} with a warning in force");
        Console.WriteLine($"  lead of the warning before the alarm: median {median:F0} min (p10 {Percentile(leads, 0.1):F0}, p90 {Percentile(leads, 0.9):F0})   target >= {TargetLeadMin} min");
        Console.WriteLine($"  alarms preceded by a warning: {share * 100:F1} %   target >= {TargetShare * 100} %");
        Console.WriteLine($"no failure ({containerDays} container-days): door openings {warningsByKind[ScenarioKind.DoorOpenings]} warnings, {falseByKind[ScenarioKind.DoorOpenings]} false; noise {warningsByKind[ScenarioKind.Noise]} warnings, {falseByKind[ScenarioKind.Noise]} false");
        Console.WriteLine($"  false warnings per 100 container-days: {falsePer100:F2}   target <= {TargetFalsePer100Days}");
        Console.WriteLine($"  (compressor-failure containers: {warningsByKind[ScenarioKind.CompressorFailure]} warnings, {falseByKind[ScenarioKind.CompressorFailure]} not followed by an alarm within the horizon)");

        // A run too small to judge (the tests' tiny size) prints its figures without a verdict.
        if (failureAlarms < 20 || containerDays < 100)
        {
            Console.WriteLine("too few alarms or container-days to judge against the targets");
            return 0;
        }
        bool ok = median >= TargetLeadMin && share >= TargetShare && falsePer100 <= TargetFalsePer100Days;
        Console.WriteLine(ok ? "targets met" : "TARGET MISSED");
        return ok ? 0 : 1;
    }

    private static async Task<(List<Episode>, List<(string Band, long SinceMs, long AlarmMs)>, long)> RunOneAsync(TagScenario scenario, RulesOptions options, int seed)
    {
        var clock = new SimClock();
        var model = new ReeferModel(scenario, clock, new Random(scenario.NoiseSeed));
        var time = new BenchClock();
        var recorder = new AlarmRecorder();
        var engine = new RuleEngine(new InMemoryRuleStore(), [recorder], Options.Create(options), time);
        var key = new ContainerKey("bench", $"SIMU{seed:D7}");
        var episodes = new List<Episode>();
        var open = new Dictionary<string, long>(StringComparer.Ordinal);
        uint seq = 0;
        for (long t = scenario.StartMs; t < scenario.EndMs; t += SampleMs)
        {
            clock.BeginWake(t, 0);
            model.Read(out double temp, out double rh, out double hpa);
            time.Now = DateTimeOffset.FromUnixTimeMilliseconds(t);
            await engine.ProcessAsync([RuleInput.Reading(key, "tag1", 1, seq++, t, temp, rh, hpa)]);
            IReadOnlyList<PredictiveWarning> warnings = await engine.WarningsAsync(key);
            foreach (PredictiveWarning w in warnings)
            {
                long issued = w.IssuedAt.ToUnixTimeMilliseconds();
                if (open.TryGetValue(w.Band, out long was) && was == issued) continue;
                if (open.ContainsKey(w.Band)) episodes.Add(new Episode(w.Band, open[w.Band], t));
                open[w.Band] = issued;
            }
            foreach (string band in open.Keys.Where(b => !warnings.Any(w => w.Band == b)).ToList())
            {
                episodes.Add(new Episode(band, open[band], t));
                open.Remove(band);
            }
        }
        foreach ((string band, long issued) in open) episodes.Add(new Episode(band, issued, long.MaxValue));
        return (episodes, recorder.Alarms, seq);
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
