using System.Diagnostics;
using ContainerTag.Core.Control;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Time;
using TagSimulator.Uplink;

namespace TagSimulator.Fleet;

/// <summary>Counters of a run, readable while it runs.</summary>
public sealed class FleetCounters
{
    internal long WakesValue, ReportsValue, FailedReportsValue, ReadingsValue, EventsValue;
    public long Wakes => Interlocked.Read(ref WakesValue);
    public long Reports => Interlocked.Read(ref ReportsValue);
    public long FailedReports => Interlocked.Read(ref FailedReportsValue);
    public long ReadingsAcknowledged => Interlocked.Read(ref ReadingsValue);
    public long EventsAcknowledged => Interlocked.Read(ref EventsValue);
}

/// <summary>
/// N virtual tags in simulated time. The tags are split over worker threads; each worker is a
/// discrete-event scheduler over its share (a priority queue of next wake times), so a month of a
/// thousand tags takes minutes. Tags never interact, so the split does not change any tag's run:
/// everything a tag does follows from its own seed (and the broker's PUBACKs).
/// </summary>
public sealed class FleetSimulation
{
    private readonly long[] _workerTimes;

    public FleetSimulation(SimulatorOptions options, IBrokerTransport transport, long startMs, bool recordManifest)
    {
        Options = options;
        StartMs = startMs;
        EndMs = startMs + options.DurationMs;
        string[] containers = ContainerIds.Generate(options.Seed, options.Tags);
        Tags = new VirtualTag[options.Tags];
        for (int i = 0; i < options.Tags; i++)
        {
            var rng = new Random(TagSeed(options.Seed, i));
            // the first 5 x Scenarios tags are the scenario containers, one kind after the other; the rest random voyages
            var scenario = i < options.Scenarios * TagScenario.FleetKinds.Count
                ? TagScenario.ForFleet(TagScenario.FleetKinds[i % TagScenario.FleetKinds.Count], rng, startMs, options.DurationMs)
                : TagScenario.Generate(rng, startMs, options.DurationMs);
            var tagOptions = new TagOptions { Fleet = options.Fleet, Container = containers[i], Tag = $"t{i:D4}", FirmwareVersion = "1.0.0-sim" };
            Tags[i] = new VirtualTag(i, tagOptions, scenario, transport, recordManifest);
        }
        _workerTimes = new long[Math.Min(options.Workers, Math.Max(1, options.Tags))];
    }

    public SimulatorOptions Options { get; }
    public long StartMs { get; }
    public long EndMs { get; }
    public VirtualTag[] Tags { get; }
    public FleetCounters Counters { get; } = new();

    /// <summary>The simulated time every worker has reached.</summary>
    public long SimulatedNowMs
    {
        get
        {
            long min = long.MaxValue;
            foreach (ref long t in _workerTimes.AsSpan()) min = Math.Min(min, Volatile.Read(ref t));
            return Math.Max(StartMs, Math.Min(min, EndMs));
        }
    }

    /// <summary>Tags inside a coverage gap right now (simulated).</summary>
    public int OfflineNow()
    {
        long now = SimulatedNowMs;
        return Tags.Count(t => t.Scenario.IsOffline(now));
    }

    /// <summary>A seed per tag from the run seed and the tag's index (splitmix64), so tag i's voyage does not depend on N.</summary>
    public static int TagSeed(int seed, int index)
    {
        ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 1;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    /// <summary>Runs to the end (or until cancelled); blocks.</summary>
    public void Run(CancellationToken ct) => RunUntil(EndMs, ct);

    /// <summary>
    /// Runs every wake before <paramref name="untilMs"/> (at most the end) or until cancelled; blocks. A later call
    /// continues where this one stopped (a test pauses the voyage there, e.g. to restart the gateway).
    /// </summary>
    public void RunUntil(long untilMs, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long stop = Math.Min(untilMs, EndMs);
        long origin = SimulatedNowMs; // the pace counts from where this call starts
        var threads = new Thread[_workerTimes.Length];
        for (int w = 0; w < threads.Length; w++)
        {
            int worker = w;
            _workerTimes[w] = Math.Max(_workerTimes[w], StartMs);
            threads[w] = new Thread(() => RunWorker(worker, clock, origin, stop, ct)) { IsBackground = true, Name = "tagsim-" + w };
            threads[w].Start();
        }
        foreach (var t in threads) t.Join();
    }

    private void RunWorker(int worker, Stopwatch clock, long origin, long stop, CancellationToken ct)
    {
        var queue = new EventQueue<VirtualTag>();
        for (int i = worker; i < Tags.Length; i += _workerTimes.Length)
        {
            if (Tags[i].NextWakeMs < EndMs) queue.Schedule(Tags[i], i, Tags[i].NextWakeMs);
        }
        while (!ct.IsCancellationRequested && queue.TryPeekTime(out long t) && t < stop)
        {
            if (!double.IsPositiveInfinity(Options.Speed) && !Pace(t, origin, clock, ct)) break;
            Volatile.Write(ref _workerTimes[worker], t);
            var tag = queue.Dequeue();
            RunResult r = tag.Wake();
            Interlocked.Increment(ref Counters.WakesValue);
            if (r.ReportAttempted)
            {
                Interlocked.Increment(ref Counters.ReportsValue);
                if (!r.ReportSucceeded) Interlocked.Increment(ref Counters.FailedReportsValue);
            }
            Interlocked.Add(ref Counters.ReadingsValue, r.ReadingsAcknowledged);
            Interlocked.Add(ref Counters.EventsValue, r.EventsAcknowledged);
            if (tag.NextWakeMs < EndMs) queue.Schedule(tag, tag.Index, tag.NextWakeMs);
        }
        Volatile.Write(ref _workerTimes[worker], ct.IsCancellationRequested ? Volatile.Read(ref _workerTimes[worker]) : stop);
    }

    /// <summary>Waits until real time catches up with simulated time t at the requested speed; false when cancelled.</summary>
    private bool Pace(long t, long origin, Stopwatch clock, CancellationToken ct)
    {
        while (true)
        {
            double dueMs = (t - origin) / Options.Speed;
            double waitMs = dueMs - clock.Elapsed.TotalMilliseconds;
            if (waitMs <= 0) return true;
            if (ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(waitMs, 1000)))) return false;
        }
    }

    public FleetManifest BuildManifest() => new()
    {
        Seed = Options.Seed,
        StartMs = StartMs,
        EndMs = EndMs,
        Tags = Tags.Where(t => t.Manifest is not null).Select(t => t.Manifest!).ToList(),
    };
}
