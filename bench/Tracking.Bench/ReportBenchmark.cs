using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.History;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx;
using Tracking.Influx.Query;
using Tracking.Testing;

namespace Tracking.Bench;

/// <summary>
/// A trip report of one container over N days (issue 12: 30 days in under 1 s) from a private influxd: readings every
/// 5 min with excursions, an air leg and door openings, shocks and hourly statuses, beside a second container of the
/// same size that the query must leave out. Each round reads the history (InfluxQL over /query), builds the report
/// (the rules' evaluator, detectors) and serializes it to JSON, as the API does; the raw limit is influxd answering the
/// same query (response read, not parsed).
/// </summary>
public static class ReportBenchmark
{
    private const long Start = 1_767_225_600_000; // 2026-01-01
    private const long StepMs = 300_000;
    private const double LimitMs = 1000;
    private static readonly JsonSerializerOptions Json = new();

    public static async Task<int> RunAsync(string[] args)
    {
        int days = BenchSupport.IntOption(args, "--days", 30);
        int rounds = BenchSupport.IntOption(args, "--rounds", 20);
        var box = new ContainerKey("bench", "CSQU3054383");
        int readings = days * 288;
        Console.WriteLine($"report: {days} days of one container, {readings:N0} readings (5 min), {days * 24:N0} statuses, {days * 2} shocks; {rounds} rounds");

        await using InfluxdServer server = await InfluxdServer.StartAsync();
        await server.CreateDatabaseAsync("tracking");
        await WriteAsync(server, box, days, Start);
        await WriteAsync(server, box with { Container = "MSCU1234566" }, days, Start);

        var options = new InfluxOptions { Url = server.Url, Database = "tracking" };
        using var client = new InfluxQueryClient(options);
        var history = new InfluxReadingHistory(client);
        DateTimeOffset from = DateTimeOffset.FromUnixTimeMilliseconds(Start), to = from.AddDays(days);
        string query = InfluxReadingHistory.Query(box, from, to);
        using var raw = new HttpClient();
        Profile profile = ProfilePresets.Find("pharma_2_8")!;

        var total = new List<double>();
        var read = new List<double>();
        var build = new List<double>();
        var rawMs = new List<double>();
        TripReport? report = null;
        int bytes = 0;
        for (int round = -2; round < rounds; round++) // two warm-up rounds
        {
            var sw = Stopwatch.StartNew();
            string url = $"query?db=tracking&epoch=ms&chunked=true&q={Uri.EscapeDataString(query)}";
            using (HttpResponseMessage response = await raw.PostAsync(new Uri(server.Url, url), null))
            {
                await response.Content.ReadAsByteArrayAsync();
            }
            double rawOne = sw.Elapsed.TotalMilliseconds;

            sw.Restart();
            ContainerHistory h = await history.ReadAsync(box, from, to);
            double readOne = sw.Elapsed.TotalMilliseconds;
            report = TripReportBuilder.Build(box, from, to, profile, h, [], new ReportOptions(), DateTimeOffset.UtcNow);
            bytes = JsonSerializer.SerializeToUtf8Bytes(report, Json).Length;
            double all = sw.Elapsed.TotalMilliseconds;
            if (round < 0) continue;
            total.Add(all);
            read.Add(readOne);
            build.Add(all - readOne);
            rawMs.Add(rawOne);
        }

        Console.WriteLine($"  report: {report!.Readings:N0} readings, {report.Excursions.Count} excursions, {report.Legs.Count} air legs, "
            + $"{report.DoorOpenings.Count} door openings, {report.ShockCount} shocks, {report.Gaps.Count} gaps; JSON {bytes:N0} bytes");
        Console.WriteLine($"  raw influxd query (response read, not parsed): p50 {P(rawMs, 50):F0} ms, p99 {P(rawMs, 99):F0} ms");
        Console.WriteLine($"  read history (query + parse):                 p50 {P(read, 50):F0} ms, p99 {P(read, 99):F0} ms");
        Console.WriteLine($"  build report + JSON:                          p50 {P(build, 50):F0} ms, p99 {P(build, 99):F0} ms");
        bool ok = P(total, 99) < LimitMs;
        Console.WriteLine($"  trip report end to end:                       p50 {P(total, 50):F0} ms, p99 {P(total, 99):F0} ms "
            + $"(target p99 < {LimitMs:F0} ms: {(ok ? "met" : "NOT met")}; {P(total, 50) / P(rawMs, 50):F1}x the raw query)");
        return 0;
    }

    private static double P(List<double> values, int percentile)
    {
        double[] sorted = [.. values.Order()];
        int index = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    /// <summary>
    /// A reefer at 5 degC with a daily swing, an excursion every 5 days, a door a day, a 6 h flight on day 2: readings
    /// every 5 min from <paramref name="start"/> (Unix ms) into database "tracking" (the history benchmark's too).
    /// </summary>
    internal static async Task WriteAsync(InfluxdServer server, ContainerKey box, int days, long start)
    {
        using var http = new HttpClient();
        var lines = new StringBuilder();
        string who = $"fleet={box.Fleet},container={box.Container},tag=tag1";
        var rng = new Random(12);
        int n = days * 288;
        uint seq = 0;
        for (int i = 0; i < n; i++)
        {
            long t = start + (i * StepMs);
            int inDay = i % 288;
            double temp = 5 + Math.Sin(i * 2 * Math.PI / 288) + (rng.NextDouble() * 0.2);
            double rh = 60 + (rng.NextDouble() * 2);
            if (i % 1440 is >= 700 and < 724) temp = 9 + (rng.NextDouble() * 0.5); // 2 h over 8 degC every 5 days
            if (inDay is 100 or 101) (temp, rh) = (temp + 7, rh + 20);             // a door opening a day
            double hpa = i is >= 400 and < 472 ? 790 + (rng.NextDouble() * 3) : 1013 + (rng.NextDouble() * 2);
            if (i % 1000 == 999) seq += 3; // a few lost readings
            lines.Append(CultureInfo.InvariantCulture, $"env,{who} temp_c={temp:F2},rh_pct={rh:F1},pressure_hpa={hpa:F1},boot=1i,seq={seq++}i {t}\n");
            if (i % 144 == 0) lines.Append(CultureInfo.InvariantCulture, $"shock,{who} g={4 + rng.NextDouble() * 4:F2},boot=1i,seq={100_000 + i}i {t + 1000}\n");
            if (i % 12 == 0) lines.Append(CultureInfo.InvariantCulture, $"tag_status,{who} online=true,fw=\"1.2.0\",thinned={i / 5000}i,bat=3.9 {t + 2000}\n");
            if (lines.Length > 400_000 || i == n - 1)
            {
                using HttpResponseMessage response = await http.PostAsync(new Uri(server.Url, "write?db=tracking&precision=ms"),
                    new StringContent(lines.ToString(), Encoding.UTF8));
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
                lines.Clear();
            }
        }
    }
}
