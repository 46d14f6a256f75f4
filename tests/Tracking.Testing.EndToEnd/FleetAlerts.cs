using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Tracking.Testing.EndToEnd;

/// <summary>A fleet's alerts as the gateway's API lists them (GET /api/v1/alerts?fleet=...).</summary>
public static class FleetAlerts
{
    public static async Task<List<(AlertFact Fact, long Id)>> ReadAsync(GatewayProcess gateway, string fleet) =>
        [.. (await ReadRowsAsync(gateway, fleet)).Select(r => (r.Fact, r.Id))];

    /// <summary>The fleet's alerts with the times the gateway raised and resolved them.</summary>
    public static async Task<List<AlertRow>> ReadRowsAsync(GatewayProcess gateway, string fleet)
    {
        using var doc = JsonDocument.Parse(await gateway.Http.GetStringAsync(gateway.Url($"api/v1/alerts?fleet={fleet}&limit=1000")));
        return [.. doc.RootElement.EnumerateArray().Select(a => new AlertRow(
            new AlertFact(
                a.GetProperty("container").GetString()!, a.GetProperty("kind").GetString()!,
                a.GetProperty("band").ValueKind == JsonValueKind.Null ? null : a.GetProperty("band").GetString(),
                Ms(a.GetProperty("since"))!.Value, a.GetProperty("state").GetString()!),
            a.GetProperty("id").GetInt64(), Ms(a.GetProperty("raised_at"))!.Value, Ms(a.GetProperty("resolved_at"))))];
    }

    private static long? Ms(JsonElement time) => time.ValueKind == JsonValueKind.Null
        ? null
        : DateTimeOffset.Parse(time.GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    /// <summary>
    /// Polls the API until the fleet's alerts are exactly <paramref name="expected"/> (as a multiset) and stay so for 2 s;
    /// fails with both lists after <paramref name="timeout"/> (default 45 s).
    /// </summary>
    public static async Task<List<(AlertFact Fact, long Id)>> WaitForAsync(GatewayProcess gateway, string fleet, List<AlertFact> expected, TimeSpan? timeout = null)
    {
        string[] want = [.. expected.Select(a => a.ToString()).Order(StringComparer.Ordinal)];
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(45);
        var sw = Stopwatch.StartNew();
        TimeSpan sameSince = TimeSpan.MaxValue;
        while (true)
        {
            List<(AlertFact Fact, long Id)> now = await ReadAsync(gateway, fleet);
            string[] have = [.. now.Select(a => a.Fact.ToString()).Order(StringComparer.Ordinal)];
            if (have.SequenceEqual(want))
            {
                if (sameSince == TimeSpan.MaxValue) sameSince = sw.Elapsed;
                if (sw.Elapsed - sameSince >= TimeSpan.FromSeconds(2)) return now;
            }
            else
            {
                sameSince = TimeSpan.MaxValue;
            }
            Assert.True(sw.Elapsed < limit,
                $"alerts after {sw.Elapsed}:\n  {string.Join("\n  ", have)}\nexpected:\n  {string.Join("\n  ", want)}");
            await Task.Delay(200);
        }
    }
}
