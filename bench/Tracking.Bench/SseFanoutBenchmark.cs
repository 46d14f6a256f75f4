using System.Globalization;
using Tracking.Testing;
using static Tracking.Bench.BenchSupport;

namespace Tracking.Bench;

/// <summary>
/// SSE fan-out at the ingest rate (issue 13): `ingest`'s single-reading run (flat out, the gateway as a child process with
/// mosquitto and influxd) with N clients on <c>GET /api/v1/stream</c> reading every event, against the same run without
/// them; each beside the raw limit of its round (mosquitto -> mosquitto_sub). The ingest ratio may drop by at most 5 %.
/// Every client must receive every reading (in <c>readings</c> events); then a fixed-rate run gives the clients' lag (reading time -> received).
/// </summary>
internal static class SseFanoutBenchmark
{
    private const double MaxDrop = 0.05;

    public static async Task<int> RunAsync(string[] args)
    {
        int clients = IntOption(args, "--clients", 100);
        int readings = IntOption(args, "--readings", 100_000);
        int containers = IntOption(args, "--containers", 1_000);
        int rounds = IntOption(args, "--rounds", 3);
        int rate = IntOption(args, "--rate", 1_000);
        int lagSeconds = IntOption(args, "--lag-seconds", 10);
        // The clients as they were before (HttpClient), to tell the gateway's gain from the instrument's.
        bool viaHttpClient = ClientOption(args);

        await using MosquittoServer mqtt = await IngestBenchmark.StartBrokerAsync();
        await using InfluxdServer influx = await InfluxdServer.StartAsync();
        var servers = new IngestBenchmark.Servers(mqtt, influx);
        Console.WriteLine($"sse-fanout: ingest's single-reading run ({readings:N0} readings, {containers:N0} containers, rules on) with and without "
            + $"{clients} stream clients ({(viaHttpClient ? "HttpClient" : "socket")}), {rounds} rounds; 2 cores shared by all");

        List<double> without = [], with = [], gatewayCpuWithout = [], gatewayCpuWith = [];
        bool allReceived = true;
        int lost = 0;
        for (int round = 1; round <= rounds; round++)
        {
            var (raw, _) = await IngestBenchmark.RawMqttAsync(servers, readings, containers);
            // The order of the two gateway runs alternates, so a slow spell of the machine does not always hit the same one.
            IngestBenchmark.RunResult? plain = null, fanned = null;
            using var sse = new SseClients(clients, lag: false, viaHttpClient);
            for (int leg = 0; leg < 2; leg++)
            {
                if ((leg == 0) == (round % 2 == 1))
                {
                    plain = await IngestBenchmark.GatewayRunAsync(servers, $"plain{round}", readings, containers, 1, 0, 0, rules: true);
                }
                else
                {
                    fanned = await IngestBenchmark.GatewayRunAsync(servers, $"fanout{round}", readings, containers, 1, 0, 0, rules: true, sse);
                }
            }
            lost += plain!.Lost + fanned!.Lost;
            without.Add(plain.Rate / raw);
            with.Add(fanned.Rate / raw);
            gatewayCpuWithout.Add(plain.Cpu.SecondsOf("gateway") * 100_000 / readings);
            gatewayCpuWith.Add(fanned.Cpu.SecondsOf("gateway") * 100_000 / readings);
            allReceived &= Report(sse, $"round {round}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round}: mosquitto_sub {raw,8:N0} msg/s; gateway {plain.Rate,8:N0} readings/s = {plain.Rate / raw:P0} without clients, "
                + $"{fanned.Rate,8:N0} = {fanned.Rate / raw:P0} with {clients}; lost {plain.Lost + fanned.Lost}"));
            Console.WriteLine($"      without {plain.Cpu}");
            Console.WriteLine($"      with    {fanned.Cpu}");
        }

        // Judged per round: both runs of a round share its raw limit and alternate their order, so the round's drop cancels
        // what the machine did that round; the medians of the two ratio columns come from different rounds, and one round
        // whose raw limit was slow moves one of them alone (bench/README.md, "Issue 13: the write interval").
        var drops = without.Zip(with, (w, f) => 1 - (f / w)).ToList();
        double w0 = IngestBenchmark.Median(without), w1 = IngestBenchmark.Median(with), drop = IngestBenchmark.Median(drops);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ingest ratio (readings/s vs mosquitto_sub), median: {w0:P0} without clients, {w1:P0} with {clients} "
            + $"(drop of the medians {1 - (w1 / w0):P1}); drop per round {string.Join(", ", drops.Select(d => d.ToString("P1", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  drop, median of the rounds: {drop:P1} (target <= {MaxDrop:P0}: {(drop <= MaxDrop ? "met" : "NOT met")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  gateway CPU per 100,000 messages, median: {IngestBenchmark.Median(gatewayCpuWithout):0.00} s without, "
            + $"{IngestBenchmark.Median(gatewayCpuWith):0.00} s with {clients} clients"));

        // Lag: at a fixed rate each reading is stamped with its publish time, so receipt minus reading time is the
        // whole path publish -> broker -> gateway (spool, live reader, hub) -> client.
        using (var sse = new SseClients(clients, lag: true, viaHttpClient))
        {
            var fixedRate = await IngestBenchmark.GatewayRunAsync(servers, "fanlag", rate * lagSeconds, containers, 1, rate, 0, rules: true, sse);
            lost += fixedRate.Lost;
            allReceived &= Report(sse, $"lag run at {rate:N0} msg/s");
            var lags = sse.Clients.SelectMany(c => c.LagMs).Order().ToArray();
            if (lags.Length > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  lag at {rate:N0} msg/s, publish -> received by a stream client ({lags.Length:N0} events): p50 {lags[lags.Length / 2]:N0} ms, "
                    + $"p99 {lags[Math.Min(lags.Length - 1, (int)(lags.Length * 0.99))]:N0} ms, max {lags[^1]:N0} ms "
                    + $"(publish -> queryable in influxd in the same run: p50 {fixedRate.P50:N0} ms, p99 {fixedRate.P99:N0} ms)"));
            }
        }

        Console.WriteLine($"  every client received every reading: {(allReceived ? "yes" : "NO")}; readings lost: {lost} (target 0)");
        return allReceived && lost == 0 ? 0 : 1;
    }

    private static bool ClientOption(string[] args)
    {
        int i = Array.IndexOf(args, "--sse-client");
        if (i < 0) return false;
        return i + 1 < args.Length && args[i + 1] is "socket" or "http" ? args[i + 1] == "http" : throw new ArgumentException("--sse-client needs socket or http");
    }

    /// <summary>Prints what the clients received; true when each had every message's reading, no event twice.</summary>
    private static bool Report(SseClients sse, string run)
    {
        var got = sse.Clients.Select(c => c.Readings).ToArray();
        int complete = sse.Clients.Count(c => c.Readings == sse.Expected && c.OutOfOrder == 0);
        string end = complete == got.Length
            ? string.Create(CultureInfo.InvariantCulture,
                $"the last client had them {sse.DrainedAfter.TotalMilliseconds:N0} ms after the last reading was queryable in influxd (0: before)")
            : "some clients never had them all";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {run}: {complete} of {got.Length} clients received all {sse.Expected:N0} readings (min {got.Min():N0}, max {got.Max():N0}); "
            + $"disconnected as slow {sse.Clients.Sum(c => c.Disconnects)} times, resets {sse.Clients.Sum(c => c.Resets)}, "
            + $"names events {sse.Clients.Sum(c => c.NamesEvents)}, "
            + $"ids out of order {sse.Clients.Sum(c => c.OutOfOrder)}; {end}; "
            + $"{(double)sse.Clients.Sum(c => c.Bytes) / Math.Max(1, got.Sum()):N1} stream bytes per reading"));
        return complete == got.Length;
    }
}
