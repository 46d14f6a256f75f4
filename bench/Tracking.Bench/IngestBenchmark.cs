using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using Tracking.Influx;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Query;
using Tracking.Influx.Writing;
using Tracking.Testing;
using static Tracking.Bench.BenchSupport;

namespace Tracking.Bench;

/// <summary>
/// End-to-end ingest: tag telemetry published to mosquitto, through the gateway (a child process), until
/// the last reading is queryable in influxd; next to the raw limits of the same run, mosquitto -> mosquitto_sub
/// (QoS 1) and line-protocol bulk writes straight to influxd.
/// </summary>
internal static class IngestBenchmark
{
    private const string AllocatedMetric = "tracking_gateway_gc_allocated_bytes_total";
    private const string Gen0Metric = "tracking_gateway_gc_collections_total{generation=\"0\"}";
    internal sealed record Servers(MosquittoServer Mqtt, InfluxdServer Influx);

    public static async Task<int> RunAsync(string[] args)
    {
        int readings = IntOption(args, "--readings", 100_000);
        int containers = IntOption(args, "--containers", 1_000);
        int rate = IntOption(args, "--rate", 1_000);
        int latencySeconds = IntOption(args, "--latency-seconds", 15);
        int outageSeconds = IntOption(args, "--outage-seconds", 20);
        int rounds = IntOption(args, "--rounds", 5);
        var only = OnlyOption(args, "single", "batch15", "latency", "outage");
        // --rules off: the gateway without its rules (Rules:Enabled=false), to measure what they add; --rules both: each
        // single round runs the gateway with and without them, in alternating order, and prints their share.
        string rulesMode = RulesOption(args);
        bool rules = rulesMode != "off";
        // --cold-fleet: the measured containers are new to the gateway (see GatewayRunAsync), to see what first sight costs.
        bool coldFleet = args.Contains("--cold-fleet");

        await using var mqtt = await StartBrokerAsync();
        await using var influx = await InfluxdServer.StartAsync();
        var servers = new Servers(mqtt, influx);
        Console.WriteLine($"ingest: {readings:N0} readings from {containers:N0} containers, rules {rulesMode}, {(coldFleet ? "a fleet new to the gateway" : "a fleet it knows")}; mosquitto (max_inflight_messages 1000) and influxd private on loopback; 2 cores shared by all");

        long peakRss = 0;
        int lost = 0;
        async Task<RunResult> Run(string name, int count, int perMessage, int fixedRate, int outage, bool withRules = true)
        {
            var result = await GatewayRunAsync(servers, name, count, containers, perMessage, fixedRate, outage, rules && withRules,
                coldFleet: coldFleet);
            peakRss = Math.Max(peakRss, result.PeakRss);
            lost += result.Lost;
            return result;
        }

        // Rounds alternate raw limit and gateway, so a slow spell of the machine hits both; the median ratio counts.
        if (only.Contains("single"))
        {
            var ratios = new List<double>();
            var cpuPer100k = new List<double>();
            // --rules both: the same round without the rules too, first or second in turn (a slow spell of the machine
            // hits both), and the rules' share per round from the pair.
            var cpuWithout = new List<double>();
            var shares = new List<double>();
            // The rules' own CPU (their stage's hand-overs and saves, measured on the gateway's threads) over the run
            // without them: the same share without the difference of two runs, which the machine's noise moved by +-20
            // points a round on this 2-core VM (December 2026).
            var ownShares = new List<double>();
            for (int round = 1; round <= rounds; round++)
            {
                var (raw, rawCpu) = await RawMqttAsync(servers, readings, containers);
                RunResult? without = null;
                if (rulesMode == "both" && round % 2 == 0) without = await Run($"single{round}off", readings, 1, 0, 0, withRules: false);
                var single = await Run($"single{round}", readings, 1, 0, 0);
                if (rulesMode == "both" && round % 2 == 1) without = await Run($"single{round}off", readings, 1, 0, 0, withRules: false);
                ratios.Add(single.Rate / raw);
                cpuPer100k.Add(single.Cpu.SecondsOf("gateway") * 100_000 / readings);
                Console.WriteLine($"  round {round}: mosquitto -> mosquitto_sub {raw,8:N0} msg/s; gateway, 1 reading per message {single.Rate,8:N0} readings/s = {single.Rate / raw:P0}, lost {single.Lost}");
                Console.WriteLine($"      raw     {rawCpu}");
                Console.WriteLine($"      gateway {single.Cpu}");
                if (without is not null)
                {
                    double off = without.Cpu.SecondsOf("gateway") * 100_000 / readings;
                    cpuWithout.Add(off);
                    shares.Add(cpuPer100k[^1] / off - 1);
                    Console.WriteLine($"      without rules ({(round % 2 == 0 ? "run first" : "run second")}): {without.Rate,8:N0} readings/s = {without.Rate / raw:P0}, lost {without.Lost}; {without.Cpu}");
                    double own = single.RulesCpu * 100_000 / readings;
                    ownShares.Add(own / off);
                    Console.WriteLine($"      rules' share this round: {cpuPer100k[^1]:0.00} / {off:0.00} CPU-s per 100,000 = {Signed(shares[^1])}; their own CPU {own:0.000} s per 100,000 = {Signed(ownShares[^1])} of the run without");
                }
            }
            Console.WriteLine($"  gateway, 1 reading per message: median {Median(ratios):P0} of mosquitto -> mosquitto_sub (QoS 1) (target >= 90 %)");
            Console.WriteLine($"  gateway CPU per 100,000 single-reading messages: median {Median(cpuPer100k):0.00} s (target <= 1.5 s; publisher and broker alone cost about 6.5 s here)");
            if (shares.Count > 0)
            {
                Console.WriteLine($"  without rules: median {Median(cpuWithout):0.00} CPU-s per 100,000; the rules add a median {Signed(Median(shares))} per round (target < 5 %)");
                Console.WriteLine($"  the rules' own CPU (their feed's hand-overs and state saves): a median {Signed(Median(ownShares))} of the run without them per round (target < 5 %)");
            }
        }

        if (only.Contains("batch15"))
        {
            var ratios = new List<double>();
            for (int round = 1; round <= rounds; round++)
            {
                var (raw, rawCpu) = await RawInfluxAsync(servers, readings, round);
                var batched = await Run($"batch{round}", readings, 15, 0, 0);
                ratios.Add(batched.Rate / raw);
                Console.WriteLine($"  round {round}: influxd bulk (5,000-line posts) {raw,8:N0} points/s; gateway, batches of 15 {batched.Rate,8:N0} readings/s = {batched.Rate / raw:P0}, lost {batched.Lost}");
                Console.WriteLine($"      raw     {rawCpu}");
                Console.WriteLine($"      gateway {batched.Cpu}");
            }
            Console.WriteLine($"  gateway, batches of 15 readings: median {Median(ratios):P0} of influxd bulk ingest (target >= 80 %)");
        }

        if (only.Contains("latency"))
        {
            var latency = await Run("latency", rate * latencySeconds, 1, rate, 0);
            Console.WriteLine($"  latency at {rate:N0} msg/s, publish -> queryable: p50 {latency.P50:N0} ms, p99 {latency.P99:N0} ms (poll every 10 ms), lost {latency.Lost}");
            Console.WriteLine($"  the same from second {ColdStartMs / 1000} on (the start left out): p50 {latency.SteadyP50:N0} ms, p99 {latency.SteadyP99:N0} ms (target p50 <= 20 ms, p99 <= 100 ms)");
        }

        if (only.Contains("outage"))
        {
            var outage = await Run("outage", readings, 1, 0, outageSeconds);
            Console.WriteLine($"  with a {outageSeconds} s influxd outage in the middle    : {outage.Rate,10:N0} readings/s, lost {outage.Lost} of {readings:N0} (target 0)");
        }

        Console.WriteLine($"  gateway peak RSS                           : {peakRss / 1048576.0,10:N0} MB (target < 200 MB)");
        return lost == 0 ? 0 : 1;
    }

    /// <summary>
    /// The broker of every ingest run. The gateway acknowledges after each group commit, so the broker's in-flight window
    /// (20 by default) caps messages per fsync; a gateway deployment raises it (docs/protocol.md section 9). Same broker
    /// for the raw limit and the gateway.
    /// </summary>
    internal static Task<MosquittoServer> StartBrokerAsync() =>
        MosquittoServer.StartAsync(new MosquittoOptions { ExtraConfig = ["max_queued_messages 0", "max_inflight_messages 1000"] });

    /// <summary>A share with its sign; one that rounds to zero as 0.0 % (two sections alone print it as "-+0.0 %").</summary>
    private static string Signed(double share) => share.ToString("+0.0 %;-0.0 %;0.0 %", CultureInfo.InvariantCulture);

    internal static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /// <summary><c>--only a,b</c>: the workloads to run (each brings the raw limit it is compared with); all by default.</summary>
    private static HashSet<string> OnlyOption(string[] args, params string[] all)
    {
        int i = Array.IndexOf(args, "--only");
        if (i < 0) return [.. all];
        var chosen = i + 1 < args.Length ? args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet() : [];
        if (chosen.Count == 0 || !chosen.IsSubsetOf(all)) throw new ArgumentException("--only takes a comma-separated subset of " + string.Join(",", all));
        return chosen;
    }

    /// <summary>CPU seconds each process spent during one measured run, and how busy the machine was (of all cores).</summary>
    internal sealed class CpuShares
    {
        private readonly (string Name, int? Pid, double Start)[] _processes;
        private readonly (double Busy, double Total) _machine = MachineCpuSeconds();
        private readonly Dictionary<string, double> _seconds = [];
        private string _processFigures = "", _machineFigure = "";

        /// <summary>CPU seconds <paramref name="process"/> spent in the window (after <see cref="Stop"/>).</summary>
        public double SecondsOf(string process) => _seconds.GetValueOrDefault(process);

        public CpuShares(params (string Name, int? Pid)[] processes) =>
            _processes = processes.Select(p => (p.Name, p.Pid, CpuSecondsOf(p.Pid))).ToArray();

        /// <summary>The publisher's CPU seconds in the window (it reports them when it exits), if one ran.</summary>
        public double? Publisher { get; set; }

        public string Note { get; set; } = "";

        /// <summary>Takes the figures at the end of the window; call while the processes still run.</summary>
        public void Stop(double seconds)
        {
            var (busy, total) = MachineCpuSeconds();
            foreach (var (name, pid, start) in _processes) _seconds[name] = CpuSecondsOf(pid) - start;
            string parts = string.Join(", ", _processes.Select(p => FormattableString.Invariant($"{p.Name} {_seconds[p.Name]:0.0}")));
            _processFigures = FormattableString.Invariant($"CPU s over {seconds:0.0} s: {parts}");
            _machineFigure = FormattableString.Invariant($"machine busy {(busy - _machine.Busy) / (total - _machine.Total):P0}");
        }

        public override string ToString() =>
            _processFigures + (Publisher is double p ? FormattableString.Invariant($", publisher {p:0.0}") : "")
            + "; " + _machineFigure + (Note.Length > 0 ? "; " + Note : "");
    }

    /// <summary>How far behind the newest reading seen the latency poll looks for readings that became queryable late.</summary>
    private const int LookBackMs = 2_000;

    internal static async Task<(double Rate, CpuShares Cpu)> RawMqttAsync(Servers s, int messages, int containers)
    {
        var psi = new ProcessStartInfo("mosquitto_sub", $"-h {s.Mqtt.Host} -p {s.Mqtt.Port} -q 1 -t tracking/v1/raw/# -C {messages} -W 300")
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var sub = Process.Start(psi)!;
        var drain = sub.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        using var publisher = await PublisherProcess.StartAsync(new TelemetryPublisher.Plan(s.Mqtt.Host, s.Mqtt.Port, messages, containers, 1, 0, "raw"));
        await Task.Delay(1000); // subscribed by now
        var cpu = new CpuShares(("mosquitto", s.Mqtt.ProcessId));
        double subStart = CpuSecondsOf(sub.Id), subCpu = subStart;
        var watch = Stopwatch.StartNew();
        publisher.Go();
        var publishing = publisher.CompletionAsync();
        while (!sub.HasExited)
        {
            subCpu = Math.Max(subCpu, CpuSecondsOf(sub.Id)); // /proc forgets it once it has exited
            await Task.Delay(5);
        }
        double seconds = watch.Elapsed.TotalSeconds;
        cpu.Stop(seconds);
        cpu.Note = FormattableString.Invariant($"mosquitto_sub at least {subCpu - subStart:0.0} s");
        cpu.Publisher = await publishing;
        await drain;
        return (messages / seconds, cpu);
    }

    /// <summary>Runs the publisher child process to the end; returns its CPU seconds.</summary>
    private static async Task<double> PublishAsync(TelemetryPublisher.Plan plan)
    {
        using var publisher = await PublisherProcess.StartAsync(plan);
        publisher.Go();
        return await publisher.CompletionAsync();
    }

    private static async Task<(double Rate, CpuShares Cpu)> RawInfluxAsync(Servers s, int points, int round)
    {
        string db = "raw" + round;
        await s.Influx.CreateDatabaseAsync(db);
        using var writer = new InfluxWriter(new InfluxOptions { Url = s.Influx.Url, Database = db, Compression = InfluxCompression.None });
        using var buffer = writer.CreateBuffer(1 << 20);
        long t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - points;
        var containers = Enumerable.Range(0, 1000).Select(ContainerNumbers.Make).ToArray(); // not the work measured
        await WriteAsync("warmup", 20_000); // the same warm-up the gateway gets
        var cpu = new CpuShares(("influxd", s.Influx.ProcessId), ("bench (writer)", Environment.ProcessId));
        var watch = Stopwatch.StartNew();
        await WriteAsync("raw", points);
        double seconds = watch.Elapsed.TotalSeconds;
        cpu.Stop(seconds);
        return (points / seconds, cpu);

        async Task WriteAsync(string fleet, int count)
        {
            for (int start = 0; start < count; start += 5000)
            {
                buffer.Clear();
                for (int i = start; i < Math.Min(count, start + 5000); i++)
                {
                    buffer.BeginLine("env").Tag("container", containers[i % containers.Length]).Tag("fleet", fleet).Tag("tag", "t")
                        .FloatField("temp_c", 4.2).FloatField("rh_pct", 55.2).FloatField("pressure_hpa", 1013.2).FloatField("peak_g", 0.12)
                        .IntegerField("boot", 1).IntegerField("seq", i).End(t0 + i);
                }
                var result = await writer.WriteAsync(buffer);
                if (result.WrittenCount != buffer.LineCount) throw new InvalidOperationException("raw write lost lines");
            }
        }
    }

    private static string RulesOption(string[] args)
    {
        int i = Array.IndexOf(args, "--rules");
        if (i < 0) return "on";
        return i + 1 < args.Length && args[i + 1] is "on" or "off" or "both" ? args[i + 1] : throw new ArgumentException("--rules needs on, off or both");
    }

    /// <param name="SteadyP50">Latency of the readings published after the first <see cref="ColdStartMs"/> (fixed-rate runs).</param>
    /// <param name="RulesCpu">CPU seconds of the rules' own work in the window (the gateway's
    /// <c>tracking_gateway_consumer_cpu_seconds_total{consumer="rules"}</c>: their feed's hand-overs and state saves).</param>
    internal sealed record RunResult(double Rate, int Lost, long PeakRss, double P50, double P99, CpuShares Cpu, double SteadyP50 = double.NaN,
        double SteadyP99 = double.NaN, double RulesCpu = 0);

    /// <summary>The latency run's first seconds, when the gateway sees each of its 1,000 containers for the first time.</summary>
    private const long ColdStartMs = 2_000;

    /// <summary>Reading time between the warm-up's last reading and the measured first (a tag silent for a while, no replay).</summary>
    private const long WarmupGapMs = 30_000;

    /// <summary>
    /// Waits until the rules have saved the warm-up's state: their spool reader confirms records only once a save
    /// returned (Rules:StateSaveInterval, 5 s). Without this the first save fell in the measured window, with the JIT
    /// compiling the snapshot code and the snapshot buffer growing: about 2 % of the gateway's samples there (perf,
    /// December 2026), a cost a gateway pays once in its life, not per reading.
    /// </summary>
    private static async Task WaitForRulesSaveAsync(GatewayProcess gateway)
    {
        var waited = Stopwatch.StartNew();
        while (await gateway.ReaderRecordsAsync("rules") is > 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("the rules did not save their state within 30 s of the warm-up");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// One gateway run: a fresh gateway (child process) warmed up with the earlier readings of the same containers, then
    /// <paramref name="readings"/> readings of fleet <paramref name="name"/> published, until every one is queryable in
    /// influxd. An <paramref name="observer"/> (sse-fanout's clients) is attached before the warm-up, started after it and
    /// told when the clock has stopped. <paramref name="coldFleet"/>: the warm-up uses another fleet, so the measured containers are
    /// new to the gateway (their first sight in the window, as before December 2026).
    /// </summary>
    internal static async Task<RunResult> GatewayRunAsync(Servers s, string name, int readings, int containers,
        int perMessage, int rate, int outageSeconds, bool rules, IGatewayRunObserver? observer = null, bool coldFleet = false)
    {
        string db = "bench_" + name;
        await s.Influx.CreateDatabaseAsync(db);
        await using var gateway = await GatewayProcess.StartAsync(s.Mqtt, s.Influx, name, db, $"--Rules:Enabled={(rules ? "true" : "false")}");
        using var query = new InfluxQueryClient(new InfluxOptions { Url = s.Influx.Url, Database = db });
        int messages = readings / perMessage;
        int expected = messages * perMessage;
        HttpClient http = gateway.Http;
        // A gateway runs for months: measure it warm (code compiled by the JIT's optimizing tier, buffers grown, the fleet
        // known), not its first seconds. Until December 2026 the warm-up was another fleet, so every measured container
        // was new to the gateway: its dedupe window, topic, rules state, trend and config entry were all made in the
        // window, a cost a container pays once in months (about 1 in 100,000 of its messages) but here once in 100.
        // The warm-up is now the same containers' earlier readings (their sequence numbers and times before the measured
        // ones), and only the measured readings are counted.
        int warmupMessages = Math.Min(messages, 20_000 / perMessage);
        var plan = new TelemetryPublisher.Plan(s.Mqtt.Host, s.Mqtt.Port, messages, containers, perMessage, rate, name,
            PriorMessages: coldFleet ? 0 : warmupMessages);
        if (observer is not null) await observer.AttachAsync(gateway, name, coldFleet ? 0 : warmupMessages * perMessage);
        await PublishAsync(new TelemetryPublisher.Plan(s.Mqtt.Host, s.Mqtt.Port, warmupMessages, containers, perMessage, 0,
            coldFleet ? "warmup" : name, EndsAgoMs: plan.TimelineMs + WarmupGapMs));
        long baseline = warmupMessages * perMessage;
        while (await gateway.LinesWrittenAsync() < baseline) await Task.Delay(50);
        await Task.Delay(500);
        if (rules) await WaitForRulesSaveAsync(gateway);
        baseline = await gateway.LinesWrittenAsync();
        long batchesBefore = await gateway.MetricAsync("tracking_gateway_write_batches_total");
        long allocatedBefore = await gateway.MetricAsync(AllocatedMetric);
        long gen0Before = await gateway.MetricAsync(Gen0Metric);
        double rulesCpuBefore = rules ? await gateway.ConsumerCpuSecondsAsync("rules") : 0;
        if (observer is not null) await observer.StartAsync(gateway, messages);
        var stagesBefore = await StageBreakdown.ReadAsync(http);
        var messagesBefore = await StageBreakdown.ReadMessagesAsync(http);
        string? mark = BenchSupport.BeginProfileMark(gateway.Id);
        // The measured readings' times start after this (their timeline ends when the publisher starts, later than
        // now); the warm-up's ended more than WarmupGapMs before it.
        long since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - plan.TimelineMs - (WarmupGapMs / 2);
        using var publisher = await PublisherProcess.StartAsync(plan);
        var cpu = new CpuShares([("gateway", gateway.Id), ("mosquitto", s.Mqtt.ProcessId), ("influxd", s.Influx.ProcessId),
            .. observer is null ? [] : new (string, int?)[] { (observer.CpuName, Environment.ProcessId) }]);
        // At a fixed rate, the broker's share of the latency, seen by a second subscriber (issue 11: a p99 outside the
        // gateway is reported as such, not hidden in the end-to-end figure).
        await using var probe = rate > 0 ? await BrokerLegProbe.StartAsync(s.Mqtt.Host, s.Mqtt.Port, name) : null;
        var pollCycles = new List<double>();
        var pollWatch = new Stopwatch();
        var watch = Stopwatch.StartNew();
        publisher.Go();
        var publishing = publisher.CompletionAsync();
        var latencies = new List<double>();
        // Readings published after the first ColdStartMs: the window's start left out (with --cold-fleet, by then the
        // gateway has seen every container once: 1,000 containers at 1,000 msg/s, the first sight of a whole fleet at once).
        var steadyLatencies = new List<double>();
        long steadyFrom = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + ColdStartMs;
        StageBreakdown? messagesAtSteady = null;
        var seen = new HashSet<(string, long)>();
        long newest = since; // the first poll looks back from here, not at the warm-up's readings
        int count = 0;
        bool outageDone = outageSeconds == 0;
        var deadline = TimeSpan.FromMinutes(10);
        var lastCount = Stopwatch.StartNew();
        TimeSpan? acknowledged = null;
        long polledWritten = 0;
        // With the rules: whether their state save fell in the window (their reader's unconfirmed records dropped, which
        // only a save does), seen in the /metrics text the clock's polls read anyway (no request of its own).
        bool rulesSaved = false;
        long rulesUnconfirmed = 0;
        var lastFresh = Stopwatch.StartNew();
        while (count < expected && watch.Elapsed < deadline)
        {
            if (rate > 0)
            {
                // 10 ms between polls: the figure's resolution (a reading's latency is measured at the poll that first
                // sees it), cheap for influxd since each poll asks only for the last seconds.
                if (pollWatch.IsRunning) pollCycles.Add(pollWatch.Elapsed.TotalMilliseconds);
                pollWatch.Restart();
                if (messagesAtSteady is null && DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= steadyFrom)
                {
                    messagesAtSteady = await StageBreakdown.ReadMessagesAsync(http);
                }
                await Task.Delay(10);
                // Points need not become visible in time order (one write can be seen half done), so look back a
                // little and count each (container, time) once. A look-back of 10 s made every poll read 10,000 rows at
                // 1,000 msg/s: the poll took tens of ms, which the figure then measured (a reading is seen at the first
                // poll that starts after it is queryable). Readings no poll saw are counted at the end.
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var fresh = await query.QueryAsync($"SELECT temp_c, \"container\"::tag FROM env WHERE fleet = '{name}' AND time > {newest - LookBackMs}ms");
                foreach (var row in fresh.Series.SelectMany(x => x.Values))
                {
                    long t = (long)row[0]!;
                    if (!seen.Add(((string)row[2]!, t))) continue;
                    latencies.Add(now - t);
                    if (t >= steadyFrom) steadyLatencies.Add(now - t);
                    newest = Math.Max(newest, t);
                    count++;
                    lastFresh.Restart();
                }

                if (lastFresh.Elapsed > TimeSpan.FromSeconds(3))
                {
                    // Nothing new for a while: the rest may have become queryable beyond the look-back.
                    int queryable = await CountAsync(query, name, since);
                    if (queryable >= expected)
                    {
                        count = queryable;
                        break;
                    }

                    lastFresh.Restart();
                }
            }
            else
            {
                // Counting in influxd every few ms would load the server being measured; the gateway's own counter of
                // lines influxd acknowledged is cheap to poll. influxd acknowledges a write once its points are
                // queryable, so the clock stops when the last line is acknowledged, as it does for the raw writer;
                // the count then has to confirm it, else the clock runs on until a count does.
                // Every 20 ms near the end, where the clock stops; every 100 ms before: each poll is an HTTP request the
                // gateway answers, and at 20 ms throughout they were about 5 % of its CPU in a run (perf: Kestrel).
                await Task.Delay(polledWritten >= expected * 9 / 10 ? 20 : 100);
                string metrics = await gateway.MetricsTextAsync();
                long written = GatewayProcess.Metric(metrics, "tracking_gateway_lines_written_total") - baseline;
                polledWritten = written;
                if (rules && GatewayProcess.ReaderRecords(metrics, "rules") is { } unconfirmed)
                {
                    rulesSaved |= unconfirmed < rulesUnconfirmed;
                    rulesUnconfirmed = unconfirmed;
                }
                if (written >= expected) acknowledged ??= watch.Elapsed;
                if (!outageDone && written >= expected / 3)
                {
                    outageDone = true;
                    await s.Influx.StopAsync();
                    await Task.Delay(TimeSpan.FromSeconds(outageSeconds));
                    await s.Influx.StartAgainAsync();
                }

                if (written >= expected || lastCount.Elapsed > TimeSpan.FromSeconds(2))
                {
                    count = await CountAsync(query, name, since);
                    lastCount.Restart();
                    if (count < expected) acknowledged = null;
                }
                else
                {
                    count = (int)Math.Min(written, expected - 1);
                }
            }
            if (!Console.IsOutputRedirected) Progress($"{name} queryable", Math.Min(count, expected), expected);
        }
        double seconds = (acknowledged ?? watch.Elapsed).TotalSeconds;
        // A gateway saves the rules' state every Rules:StateSaveInterval (5 s), here about once per 100,000 messages, the
        // window's size: the window's CPU includes one save. The save due 5 s after the window's first message fell just
        // inside or just outside the window, by the window's length (4.4-6 s), which moved a round's rules share by
        // several points (December 2026); so when none fell inside, the clock waits for the next, which saves the
        // window's readings. The wait's idle CPU (a few ms) counts against the rules.
        string saveNote = "";
        if (rules && rate == 0 && outageSeconds == 0)
        {
            var waited = Stopwatch.StartNew();
            if (!rulesSaved) await WaitForRulesSaveAsync(gateway);
            saveNote = rulesSaved ? ", the rules' state save in the window" : $", the rules' state save waited for ({waited.Elapsed.TotalSeconds:0.0} s after the window)";
        }
        cpu.Stop(seconds);
        BenchSupport.EndProfileMark(mark);
        double rulesCpu = rules ? await gateway.ConsumerCpuSecondsAsync("rules") - rulesCpuBefore : 0;
        cpu.Note = $"{await gateway.MetricAsync("tracking_gateway_write_batches_total") - batchesBefore:N0} influx writes{saveNote}";
        // Bytes the gateway allocated per message: unlike CPU seconds, the machine's load does not move it.
        double allocatedPerMessage = (double)(await gateway.MetricAsync(AllocatedMetric) - allocatedBefore) / messages;
        cpu.Note += $", {allocatedPerMessage:N0} B allocated per message, {await gateway.MetricAsync(Gen0Metric) - gen0Before:N0} gen0 GCs";
        if (rate > 0)
        {
            // Where the gateway's share of the latency goes (its own histograms, per group commit or write batch).
            Console.Write($"  {name}: gateway stages (per group commit / write batch):\n" + (await StageBreakdown.ReadAsync(http)).Since(stagesBefore));
            // Per message: the gateway's share, and the reading's timestamp (its publish time here) until influxd
            // acknowledged it (queryable from then on): publish -> queryable without the poll's resolution.
            StageBreakdown messagesAfter = await StageBreakdown.ReadMessagesAsync(http);
            Console.Write($"  {name}: per message written (gateway's histograms):\n" + messagesAfter.Since(messagesBefore));
            if (messagesAtSteady is not null)
            {
                Console.Write($"  {name}: per message written from second {ColdStartMs / 1000} on:\n" + messagesAfter.Since(messagesAtSteady));
            }
        }
        cpu.Publisher = await publishing;
        if (count < expected)
        {
            Console.WriteLine($"  {name}: {count} of {expected} readings queryable; gateway /metrics:");
            foreach (var line in (await http.GetStringAsync("metrics")).Split('\n'))
                if (line.Length > 0 && line[0] != '#' && !line.EndsWith(" 0", StringComparison.Ordinal)) Console.WriteLine("    " + line);
        }
        if (rate > 0)
        {
            count = await CountAsync(query, name, since);
            // Queryable, but only after the polls had moved more than the look-back past it: at least that late.
            int unseen = count - latencies.Count;
            if (unseen > 0) Console.WriteLine($"  {name}: {unseen:N0} readings seen by no poll, counted as {LookBackMs:N0} ms (a lower bound)");
            for (int i = 0; i < unseen; i++)
            {
                latencies.Add(LookBackMs);
                steadyLatencies.Add(LookBackMs); // when it was published is unknown: counted against both
            }
            // A reading is seen at the first poll that starts after it became queryable: up to one cycle late.
            pollCycles.Sort();
            var brokerLeg = await probe!.StopAsync();
            Console.WriteLine($"  {name}: publish -> delivered to a second subscriber (broker and publisher): p50 {Percentile(brokerLeg, 0.5):N0} ms, " +
                $"p99 {Percentile(brokerLeg, 0.99):N0} ms, max {Percentile(brokerLeg, 1):N0} ms ({brokerLeg.Count:N0} messages)");
            Console.WriteLine($"  {name}: the bench's poll cycle (10 ms wait + query; a reading is seen up to one cycle late): " +
                $"p50 {Percentile(pollCycles, 0.5):N0} ms, p99 {Percentile(pollCycles, 0.99):N0} ms, max {Percentile(pollCycles, 1):N0} ms");
        }

        if (observer is not null) await observer.StopAsync(gateway);
        latencies.Sort();
        steadyLatencies.Sort();
        return new RunResult(expected / seconds, expected - count, gateway.PeakRss(), Percentile(latencies, 0.5), Percentile(latencies, 0.99),
            cpu, Percentile(steadyLatencies, 0.5), Percentile(steadyLatencies, 0.99), rulesCpu);
    }

    /// <summary>The <paramref name="q"/> quantile of sorted <paramref name="sorted"/> (NaN when empty), as the end-to-end p50/p99 are taken.</summary>
    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];

    /// <summary>The fleet's readings from <paramref name="sinceMs"/> on (the measured ones: the warm-up's lie before).</summary>
    private static async Task<int> CountAsync(InfluxQueryClient query, string fleet, long sinceMs)
    {
        var result = await query.QueryAsync($"SELECT count(temp_c) FROM env WHERE fleet = '{fleet}' AND time >= {sinceMs}ms");
        var row = result.Series.SelectMany(x => x.Values).FirstOrDefault();
        return row is null ? 0 : Convert.ToInt32(row[1], CultureInfo.InvariantCulture);
    }
}
