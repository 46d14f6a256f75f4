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
    private sealed record Servers(MosquittoServer Mqtt, InfluxdServer Influx);

    public static async Task<int> RunAsync(string[] args)
    {
        int readings = IntOption(args, "--readings", 100_000);
        int containers = IntOption(args, "--containers", 1_000);
        int rate = IntOption(args, "--rate", 1_000);
        int latencySeconds = IntOption(args, "--latency-seconds", 15);
        int outageSeconds = IntOption(args, "--outage-seconds", 20);
        string gatewayDll = GatewayDll();

        await using var mqtt = await MosquittoServer.StartAsync(new MosquittoOptions
        {
            // The gateway acknowledges after each group commit, so the broker's in-flight window (20 by default)
            // caps messages per fsync; a gateway deployment raises it (docs/protocol.md section 9). Same broker for both.
            ExtraConfig = ["max_queued_messages 0", "max_inflight_messages 1000"],
        });
        await using var influx = await InfluxdServer.StartAsync();
        var servers = new Servers(mqtt, influx);
        Console.WriteLine($"ingest: {readings:N0} readings from {containers:N0} containers; mosquitto (max_inflight_messages 1000) and influxd private on loopback; 2 cores shared by all");

        double mqttRaw = await RawMqttAsync(servers, readings, containers);
        Console.WriteLine($"  raw mosquitto -> mosquitto_sub (QoS 1)     : {mqttRaw,10:N0} msg/s");
        double influxRaw = await RawInfluxAsync(servers, readings);
        Console.WriteLine($"  raw influxd bulk (5,000-line posts)        : {influxRaw,10:N0} points/s");

        long peakRss = 0;
        var single = await GatewayRunAsync(servers, gatewayDll, "single", readings, containers, 1, 0, 0);
        peakRss = Math.Max(peakRss, single.PeakRss);
        Console.WriteLine($"  gateway, 1 reading per message            : {single.Rate,10:N0} readings/s = {single.Rate / mqttRaw:P0} of mosquitto_sub (target >= 90 %), lost {single.Lost}");
        var batched = await GatewayRunAsync(servers, gatewayDll, "batch15", readings, containers, 15, 0, 0);
        peakRss = Math.Max(peakRss, batched.PeakRss);
        Console.WriteLine($"  gateway, batches of 15 readings           : {batched.Rate,10:N0} readings/s = {batched.Rate / influxRaw:P0} of influxd bulk (target >= 80 %), lost {batched.Lost}");
        var latency = await GatewayRunAsync(servers, gatewayDll, "latency", rate * latencySeconds, containers, 1, rate, 0);
        peakRss = Math.Max(peakRss, latency.PeakRss);
        Console.WriteLine($"  latency at {rate:N0} msg/s, publish -> queryable: p50 {latency.P50:N0} ms, p99 {latency.P99:N0} ms (poll every 100 ms), lost {latency.Lost}");
        var outage = await GatewayRunAsync(servers, gatewayDll, "outage", readings, containers, 1, 0, outageSeconds);
        peakRss = Math.Max(peakRss, outage.PeakRss);
        Console.WriteLine($"  with a {outageSeconds} s influxd outage in the middle    : {outage.Rate,10:N0} readings/s, lost {outage.Lost} of {readings:N0} (target 0)");
        Console.WriteLine($"  gateway peak RSS                           : {peakRss / 1048576.0,10:N0} MB (target < 200 MB)");
        return single.Lost + batched.Lost + latency.Lost + outage.Lost == 0 ? 0 : 1;
    }

    private static string GatewayDll()
    {
        var dir = Path.GetDirectoryName(typeof(IngestBenchmark).Assembly.Location)!;
        string config = new DirectoryInfo(dir).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(RepoPaths.Root, "gateway", "Tracking.Gateway", "bin", config, "net10.0", "Tracking.Gateway.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the gateway first (the bench project builds it)", dll);
    }

    private static async Task<double> RawMqttAsync(Servers s, int messages, int containers)
    {
        var psi = new ProcessStartInfo("mosquitto_sub", $"-h {s.Mqtt.Host} -p {s.Mqtt.Port} -q 1 -t tracking/v1/raw/# -C {messages} -W 300")
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var sub = Process.Start(psi)!;
        var drain = sub.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        await Task.Delay(1000); // subscribed by now
        var watch = Stopwatch.StartNew();
        await PublishAsync(s, new TelemetryPublisher.Plan(s.Mqtt.Host, s.Mqtt.Port, messages, containers, 1, 0, "raw"));
        await sub.WaitForExitAsync();
        await drain;
        return messages / watch.Elapsed.TotalSeconds;
    }

    private static async Task PublishAsync(Servers s, TelemetryPublisher.Plan plan)
    {
        var self = typeof(IngestBenchmark).Assembly.Location;
        var (code, err) = await RunProcessAsync(Environment.ProcessPath!, $"{self} publish-telemetry {TelemetryPublisher.Arguments(plan)}",
            timeout: TimeSpan.FromMinutes(10));
        if (code != 0) throw new InvalidOperationException("publisher failed: " + err);
    }

    private static async Task<double> RawInfluxAsync(Servers s, int points)
    {
        await s.Influx.CreateDatabaseAsync("raw");
        using var writer = new InfluxWriter(new InfluxOptions { Url = s.Influx.Url, Database = "raw", Gzip = false });
        using var buffer = writer.CreateBuffer(1 << 20);
        long t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - points;
        var watch = Stopwatch.StartNew();
        for (int start = 0; start < points; start += 5000)
        {
            buffer.Clear();
            for (int i = start; i < Math.Min(points, start + 5000); i++)
            {
                buffer.BeginLine("env").Tag("container", ContainerNumbers.Make(i % 1000)).Tag("fleet", "raw").Tag("tag", "t")
                    .FloatField("temp_c", 4.2).FloatField("rh_pct", 55.2).FloatField("pressure_hpa", 1013.2).FloatField("peak_g", 0.12)
                    .IntegerField("boot", 1).IntegerField("seq", i).End(t0 + i);
            }
            var result = await writer.WriteAsync(buffer);
            if (result.WrittenCount != buffer.LineCount) throw new InvalidOperationException("raw write lost lines");
        }
        return points / watch.Elapsed.TotalSeconds;
    }

    private sealed record RunResult(double Rate, int Lost, long PeakRss, double P50, double P99);

    private static async Task<RunResult> GatewayRunAsync(Servers s, string gatewayDll, string name, int readings, int containers,
        int perMessage, int rate, int outageSeconds)
    {
        string db = "bench_" + name;
        await s.Influx.CreateDatabaseAsync(db);
        var spool = Directory.CreateTempSubdirectory("tracking-bench-spool-");
        int httpPort = FreePort.Get();
        var log = Path.Combine(spool.FullName, "gateway.log");
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"exec \"$0\" \"$@\" > '{log}' 2>&1", Environment.ProcessPath!, gatewayDll,
            "--mqtt-url", $"mqtt://{s.Mqtt.Host}:{s.Mqtt.Port}", "--mqtt-client-id", "bench-gw-" + name,
            // A shared group of its own per run: the persistent sessions of earlier runs' (killed) gateways stay members
            // of their group and the broker would keep queuing their share of the messages.
            "--mqtt-group", "bench-" + name, "--influx-url", s.Influx.Url.ToString(),
            "--influx-db", db, "--spool-dir", Path.Combine(spool.FullName, "spool"), "--http-url", $"http://127.0.0.1:{httpPort}"])
        {
            UseShellExecute = false,
        };
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        using var gateway = Process.Start(psi)!;
        try
        {
            await WaitHealthyAsync(httpPort, gateway, log);
            using var query = new InfluxQueryClient(new InfluxOptions { Url = s.Influx.Url, Database = db });
            int messages = readings / perMessage;
            int expected = messages * perMessage;
            var watch = Stopwatch.StartNew();
            var publishing = PublishAsync(s, new TelemetryPublisher.Plan(s.Mqtt.Host, s.Mqtt.Port, messages, containers, perMessage, rate, name));
            var latencies = new List<double>();
            var seen = new HashSet<(string, long)>();
            long newest = 0;
            int count = 0;
            bool outageDone = outageSeconds == 0;
            var deadline = TimeSpan.FromMinutes(10);
            while (count < expected && watch.Elapsed < deadline)
            {
                await Task.Delay(100);
                if (!outageDone && count >= expected / 3)
                {
                    outageDone = true;
                    await s.Influx.StopAsync();
                    await Task.Delay(TimeSpan.FromSeconds(outageSeconds));
                    await s.Influx.StartAgainAsync();
                }
                if (rate > 0)
                {
                    // Points need not become visible in time order (one write can be seen half done), so look back a
                    // little and count each (container, time) once.
                    long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    var fresh = await query.QueryAsync($"SELECT temp_c, \"container\"::tag FROM env WHERE time > {newest - 10_000}ms");
                    foreach (var row in fresh.Series.SelectMany(x => x.Values))
                    {
                        long t = (long)row[0]!;
                        if (!seen.Add(((string)row[2]!, t))) continue;
                        latencies.Add(now - t);
                        newest = Math.Max(newest, t);
                        count++;
                    }
                }
                else
                {
                    count = await CountAsync(query);
                }
                if (!Console.IsOutputRedirected) Progress($"{name} queryable", Math.Min(count, expected), expected);
            }
            double seconds = watch.Elapsed.TotalSeconds;
            await publishing;
            if (count < expected)
            {
                Console.WriteLine($"  {name}: {count} of {expected} readings queryable; gateway /metrics:");
                using var http = new HttpClient();
                foreach (var line in (await http.GetStringAsync($"http://127.0.0.1:{httpPort}/metrics")).Split('\n'))
                    if (line.Length > 0 && line[0] != '#' && !line.EndsWith(" 0", StringComparison.Ordinal)) Console.WriteLine("    " + line);
            }
            if (rate > 0) count = await CountAsync(query);
            latencies.Sort();
            return new RunResult(expected / seconds, expected - count, PeakRssOf(gateway.Id),
                latencies.Count > 0 ? latencies[latencies.Count / 2] : double.NaN,
                latencies.Count > 0 ? latencies[(int)(latencies.Count * 0.99)] : double.NaN);
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill(true);
                await gateway.WaitForExitAsync();
            }
            spool.Delete(true);
        }
    }

    private static async Task<int> CountAsync(InfluxQueryClient query)
    {
        var result = await query.QueryAsync("SELECT count(temp_c) FROM env");
        var row = result.Series.SelectMany(x => x.Values).FirstOrDefault();
        return row is null ? 0 : Convert.ToInt32(row[1], CultureInfo.InvariantCulture);
    }

    private static async Task WaitHealthyAsync(int port, Process gateway, string log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var end = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < end)
        {
            if (gateway.HasExited) throw new InvalidOperationException("the gateway exited: " + File.ReadAllText(log));
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the gateway did not become healthy: " + File.ReadAllText(log));
    }

    /// <summary>VmHWM of another process, in bytes.</summary>
    private static long PeakRssOf(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}
