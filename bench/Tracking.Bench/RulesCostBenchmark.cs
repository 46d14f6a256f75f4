extern alias gateway;

using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Bench;

/// <summary>
/// What the rules cost per reading (issue 12): a RuleEngine on the gateway's default store (SQLite in a temporary
/// directory), profile pharma_2_8 (four bands, MKT, prediction), fed as the gateway's rules feed does: batches of
/// Rules:FeedMaxBatch readings of many active containers round-robin, states saved in one transaction every <c>--save-every-s</c> of reading
/// time (5 s, Rules:StateSaveInterval's default: a live fleet's readings arrive as they are taken, so a save takes what came
/// in 5 s; saving by the benchmark's wall clock instead gave each save far more readings than the gateway's get).
/// Every container gets its window filled first (warm-up), so the measured readings meet full windows and snapshots.
/// Prints ns of CPU and bytes allocated per reading and what that is of the ingest target (1.5 CPU-s per 100,000).
/// <c>--feed</c>: the gateway's <c>RulesFeed</c> in front, fed single-reading telemetry messages with battery volts as
/// bench ingest publishes them (and a tag listener, as the tag config publisher), so the figure is the rules' whole
/// per-message path in the gateway, the feed's mapping to inputs included (issue 12); the measured messages are made
/// before the clock starts (in the gateway, the spool reader makes them for every consumer).
/// </summary>
public static class RulesCostBenchmark
{
    private const long Start = 1_767_225_600_000; // 2026-01-01
    // As the gateway's rules feed takes them (Rules:FeedMaxBatch's default).
    private static readonly int Batch = new RulesOptions().FeedMaxBatch;
    /// <summary>The ingest target: 1.5 CPU-s per 100,000 single-reading messages; the rules may add 5 % of it.</summary>
    private const double IngestTargetNsPerReading = 1.5e9 / 100_000;
    private const double RulesShare = 0.05;

    public static async Task<int> RunAsync(string[] args)
    {
        int containers = BenchSupport.IntOption(args, "--containers", 10_000);
        int perContainer = BenchSupport.IntOption(args, "--readings-per-container", 20);
        int warmup = BenchSupport.IntOption(args, "--warmup-per-container", 300);
        // Device time between a container's readings: 300 s as tags report; 1 s is what bench ingest's publisher sends.
        long sampleMs = BenchSupport.IntOption(args, "--interval-s", 300) * 1000L;
        // As bench ingest --cold-fleet: the warm-up is another fleet's, so every measured container is new and its window
        // grows from its first reading (the gateway's engine is warm, its code compiled, but the fleet is not known yet).
        bool newFleet = args.Contains("--new-fleet");
        bool viaFeed = args.Contains("--feed");
        // --rounds N: the warm-up and the measured readings again for another fleet each round (its own containers, as
        // young as the first's), one engine throughout: the median of the rounds is steadier than one short run, and from
        // the second round on the code is compiled by the JIT's optimizing tier (a profiler can attach for them too).
        int rounds = BenchSupport.IntOption(args, "--rounds", 1);
        var options = new RulesOptions { DefaultProfile = "pharma_2_8" };
        long saveEveryMs = BenchSupport.IntOption(args, "--save-every-s", (int)options.StateSaveInterval.TotalSeconds) * 1000L;
        DirectoryInfo dir = Directory.CreateTempSubdirectory("tracking-bench-rules-");
        try
        {
            await using SqliteRuleStore store = await SqliteRuleStore.OpenAsync(Path.Combine(dir.FullName, "rules.db"), TimeSpan.FromSeconds(5));
            var engine = new RuleEngine(store, [], Options.Create(options), TimeProvider.System);
            // As the gateway starts it (RulesTimerService): states loaded, so a container never seen reads no state.
            await engine.LoadAsync();
            var listener = new CountingTagListener();
            gateway::Tracking.Gateway.RulesFeed? feed = viaFeed ? new(engine, Options.Create(options), [listener]) : null;
            string measuredFleet = newFleet ? "of another fleet (new containers)" : "measured";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rules: {containers:N0} active containers, profile pharma_2_8, SQLite store, {(viaFeed ? "through the gateway's rules feed (single-reading messages with volts), " : "")}batches of {Batch}, states saved every {saveEveryMs / 1000} s of reading time; {warmup} readings per container first, then {perContainer} {measuredFleet}, {sampleMs / 1000} s apart{(rounds > 1 ? $"; {rounds} rounds, each with a fleet of its own" : "")}"));

            ContainerKey[] Fleet(string fleet) =>
                [.. Enumerable.Range(0, containers).Select(c => new ContainerKey(fleet, "C" + c.ToString("D6", CultureInfo.InvariantCulture)))];
            ContainerKey[] keys = [];
            var rng = new Random(1);
            var batch = new List<RuleInput>(Batch);
            var messages = new List<TagMessage>(Batch);
            long lastSaveMs = Start;
            int saveCount = 0;
            long saveCpuTicks = 0;

            // 4-6 C with noise: in range, so the figure is evaluation and state, not alert writes.
            double Temperature(int i, int c) => 5 + Math.Sin((i + c) / 10.0) + (rng.NextDouble() * 0.2);

            TagMessage Message(int i, int c) => new()
            {
                Fleet = keys[c].Fleet, Container = keys[c].Container, Tag = "tag-1", Kind = MessageKind.Telemetry, ArrivalMs = Start + (i * sampleMs),
                Boot = 1, Seq = i, TimeMs = Start + (i * sampleMs), BatteryV = 3.91,
                Readings = [new Reading { TemperatureC = Temperature(i, c), HumidityPct = 50, PressureHpa = 1013, PeakG = 0.1 }],
            };

            async Task FeedAsync(int from, int count, TagMessage[]? made = null)
            {
                for (int i = from; i < from + count; i++)
                {
                    for (int c = 0; c < containers; c++)
                    {
                        if (feed is not null)
                        {
                            messages.Add(made?[((i - from) * containers) + c] ?? Message(i, c));
                            if (messages.Count == Batch) await FlushAsync();
                            continue;
                        }
                        batch.Add(RuleInput.Reading(keys[c], "tag-1", 1, (uint)i, Start + (i * sampleMs), Temperature(i, c), 50, 1013, 0.1, false));
                        if (batch.Count == Batch) await FlushAsync();
                    }
                    // Every container's reading i is in: the gateway would have saved by now when the reading time since
                    // its last save reached the interval.
                    long readingMs = Start + (i * sampleMs);
                    if (readingMs - lastSaveMs < saveEveryMs) continue;
                    await FlushAsync();
                    TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
                    await engine.SaveStateAsync();
                    saveCpuTicks += (Process.GetCurrentProcess().TotalProcessorTime - before).Ticks;
                    saveCount++;
                    lastSaveMs = readingMs;
                }
                await FlushAsync();
            }

            async Task FlushAsync()
            {
                if (batch.Count > 0) await engine.ProcessAsync(batch, saveState: false);
                batch.Clear();
                // The feed saves by its consumer stage's SaveInterval; here by reading time as above, so not here.
                if (feed is not null && messages.Count > 0) await feed.ConsumeAsync(messages, CancellationToken.None);
                messages.Clear();
            }

            // One round: the fleet's warm-up (saved), then its measured readings and the save after them.
            async Task<(double CpuNs, double Bytes, double SaveNs, int Saves, TimeSpan Wall, int Told)> RoundAsync(string suffix)
            {
                await FeedAsync(0, warmup);
                await engine.SaveStateAsync();
                saveCount = 0;
                saveCpuTicks = 0;
                int firstMeasured = warmup;
                if (newFleet)
                {
                    // The new fleet's readings start at the timeline's start again: its saves count from there.
                    keys = Fleet("bench" + suffix);
                    firstMeasured = 0;
                    lastSaveMs = Start;
                }

                TagMessage[]? made = null;
                if (feed is not null)
                {
                    made = new TagMessage[containers * perContainer];
                    for (int i = 0; i < perContainer; i++)
                    {
                        for (int c = 0; c < containers; c++) made[(i * containers) + c] = Message(firstMeasured + i, c);
                    }
                }
                int toldBefore = listener.Told;
                GC.Collect();
                long measured = (long)containers * perContainer;
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                string? mark = BenchSupport.BeginProfileMark(Environment.ProcessId);
                var wall = Stopwatch.StartNew();
                await FeedAsync(firstMeasured, perContainer, made);
                await engine.SaveStateAsync();
                wall.Stop();
                BenchSupport.EndProfileMark(mark);
                double cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1e6 / measured;
                double bytes = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / measured;
                double saveNs = TimeSpan.FromTicks(saveCpuTicks).TotalMilliseconds * 1e6 / measured;
                return (cpuNs, bytes, saveNs, saveCount, wall.Elapsed, listener.Told - toldBefore);
            }

            var cpuPerRound = new List<double>();
            for (int round = 1; round <= rounds; round++)
            {
                // Round 1's fleets are named as before rounds existed; later rounds' carry their number.
                string suffix = round == 1 ? "" : round.ToString(CultureInfo.InvariantCulture);
                keys = Fleet((newFleet ? "warmup" : "bench") + suffix);
                lastSaveMs = Start;
                (double cpuNs, double bytes, double saveNs, int saves, TimeSpan wall, int told) = await RoundAsync(suffix);
                cpuPerRound.Add(cpuNs);
                long measured = (long)containers * perContainer;
                string label = rounds > 1 ? $"round {round}: " : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {label}{measured:N0} readings in {wall.TotalSeconds:0.00} s: {wall.TotalMilliseconds * 1e6 / measured:N0} ns wall, {cpuNs:N0} ns CPU and {bytes:N0} B allocated per reading"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  of which saving states: {saves} saves, {saveNs:N0} ns CPU per reading"));
                if (feed is not null) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  the tag listener was told {told:N0} times in the measured part"));
            }

            double median = cpuPerRound.Order().ElementAt(cpuPerRound.Count / 2);
            double limitNs = IngestTargetNsPerReading * RulesShare;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  rules CPU per 100,000 readings{(rounds > 1 ? $" (median of {rounds} rounds)" : "")}: {median * 100_000 / 1e9:0.000} s = {median / IngestTargetNsPerReading:P1} of the ingest target of 1.5 s (target < 5 %: <= {limitNs:N0} ns per reading)"));
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
