using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Api;
using Tracking.Gateway.Api.Health;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Bench;

/// <summary>
/// <c>GET /api/v1/containers</c> at fleet scale (issue 13): the API room as the gateway hosts it (Kestrel on loopback,
/// rules on the in-memory store), its live view filled with N containers of 2 tags each (readings, statuses, an alert
/// on every 50th), then sequential requests of the dashboard's kinds, each timed from send to the last body byte. The
/// raw limit beside it is <c>GET /healthz</c> on the same server: what any request costs before the list's own work.
/// </summary>
public static class FleetListBenchmark
{
    private const double TargetP50Ms = 10, TargetP99Ms = 50;

    private sealed class Idle : IGatewayStatus
    {
        public IReadOnlyList<string> HealthProblems() => [];

        public void WriteMetrics(StringBuilder text)
        {
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int containers = BenchSupport.IntOption(args, "--containers", 10_000);
        int requests = BenchSupport.IntOption(args, "--requests", 500);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Store:Kind"] = "memory", ["Live:RefillLookback"] = "00:00:00" });
        builder.Services.AddRules(builder.Configuration).AddApi<Idle>().AddRulesApi(builder.Configuration).AddLiveApi(builder.Configuration);
        await using WebApplication app = builder.Build();
        await app.StartAsync();
        string url = app.Urls.First();
        Fill(app.Services.GetRequiredService<LiveBoard>(), containers);
        Console.WriteLine($"fleet-list: {containers} containers x 2 tags in 4 fleets, {requests} sequential requests per kind, page_size 100, Kestrel on loopback");

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        (string Name, string Path)[] kinds =
        [
            ("healthz (raw limit)", "/healthz"),
            ("default (-state, page 1)", "/api/v1/containers"),
            ("sort=temp_c page 50", "/api/v1/containers?sort=temp_c&page=50"),
            ("fleet=f2 sort=-last_seen", "/api/v1/containers?fleet=f2&sort=-last_seen"),
            ("state=excursion,warning", "/api/v1/containers?state=excursion,warning"),
            ("q=00123 (search)", "/api/v1/containers?q=00123"),
            ("page_size=1000 sort=battery_v", "/api/v1/containers?page_size=1000&sort=battery_v"),
        ];
        foreach ((_, string path) in kinds)
        {
            for (int i = 0; i < Math.Min(50, requests); i++) await GetAsync(http, path); // warm-up: JIT, connection
        }
        double worstP50 = 0, worstP99 = 0;
        foreach ((string name, string path) in kinds)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            int gen0 = GC.CollectionCount(0);
            double[] ms = new double[requests];
            long bytes = 0;
            for (int i = 0; i < requests; i++)
            {
                long start = Stopwatch.GetTimestamp();
                bytes = await GetAsync(http, path);
                ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(ms);
            double p50 = ms[(int)(requests * 0.5)], p99 = ms[Math.Min(requests - 1, (int)(requests * 0.99))];
            double kbPerRequest = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024.0 / requests;
            Console.WriteLine($"  {name,-32} p50 {p50,7:F2} ms  p99 {p99,7:F2} ms  body {bytes / 1024.0,7:F1} KiB  allocated {kbPerRequest,7:F0} KiB/request (server and client)  gen0 GCs {GC.CollectionCount(0) - gen0}");
            if (!path.StartsWith("/healthz", StringComparison.Ordinal) && !path.Contains("page_size=1000", StringComparison.Ordinal))
            {
                worstP50 = Math.Max(worstP50, p50);
                worstP99 = Math.Max(worstP99, p99);
            }
        }
        MeasureFeed(app.Services.GetRequiredService<LiveBoard>(), containers, Math.Max(10_000, requests * 200));
        bool ok = worstP50 <= TargetP50Ms && worstP99 <= TargetP99Ms;
        Console.WriteLine($"  worst of the page-100 kinds: p50 {worstP50:F2} ms (target <= {TargetP50Ms} ms), p99 {worstP99:F2} ms (target <= {TargetP99Ms} ms): {(ok ? "meets" : "MISSES")} target");
        await app.StopAsync();
        return 0;
    }

    /// <summary>
    /// What the live view adds to ingest: one-reading telemetry messages applied as the gateway's "live" spool reader
    /// does (update in place, a stream event serialized and put in the window), per message, on this thread.
    /// </summary>
    private static void MeasureFeed(LiveBoard board, int containers, int messages)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var keys = Enumerable.Range(0, containers).Select(i => new ContainerKey($"f{i % 4}", $"BOX{i:D7}")).ToArray();
        string[] tags = [.. Enumerable.Range(0, containers).Select(i => $"tag{i}-0")];
        var readings = new LiveReading[1];
        for (int i = 0; i < 1000; i++)
        {
            readings[0] = new LiveReading(now + i, 5, 50, 1013, 0.1);
            board.ApplyReadings(keys[i % containers], tags[i % containers], now + i, readings);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < messages; i++)
        {
            readings[0] = new LiveReading(now + 1000 + i, 5 + (i % 7), 50, 1013, 0.1);
            board.ApplyReadings(keys[i % containers], tags[i % containers], now + 1000 + i, readings);
        }
        double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / messages;
        double bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)messages;
        Console.WriteLine($"  feed: {messages} one-reading messages applied with a stream event each: {us:F2} us and {bytes:F0} B allocated per message");
    }

    private static async Task<long> GetAsync(HttpClient http, string path)
    {
        using HttpResponseMessage response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    /// <summary>Containers of 4 fleets, 2 tags each with a reading and a status; every 50th with an open temp_high, every 70th a battery_low.</summary>
    private static void Fill(LiveBoard board, int containers)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rng = new Random(13);
        for (int i = 0; i < containers; i++)
        {
            var key = new ContainerKey($"f{i % 4}", $"BOX{i:D7}");
            for (int t = 0; t < 2; t++)
            {
                long at = now - rng.Next(0, 3_600_000);
                board.ApplyReadings(key, $"tag{i}-{t}", at, [new LiveReading(at, 2 + (rng.NextDouble() * 8), 40 + (rng.NextDouble() * 30), 1013, 0.1)],
                    publish: false);
                board.ApplyStatus(key, $"tag{i}-{t}", new LiveTagStatus(at, true, 3.3 + (rng.NextDouble() * 0.9), -50 - rng.Next(40), rng.Next(100), "1.4.2", 900));
            }
            if (i % 50 == 0) board.ApplyAlert(Notification(i, key, "temp_high"));
            if (i % 70 == 0) board.ApplyAlert(Notification(i + containers, key, "battery_low"));
        }
    }

    private static AlertNotification Notification(long id, ContainerKey key, string kind) => new(AlertTransition.Raised, new Alert
    {
        Id = id + 1, Key = $"{key}/{kind}", Container = key, Kind = kind, Severity = Severity.Alarm, Since = DateTimeOffset.UtcNow,
        RaisedAt = DateTimeOffset.UtcNow, Message = kind,
    }, DateTimeOffset.UtcNow);
}
