using System.Globalization;
using System.Text;

namespace Tracking.Bench;

/// <summary>
/// The gateway's <c>tracking_gateway_stage_seconds</c> histograms read from its /metrics: where a reading waits between
/// the broker and InfluxDB. Two readings around a run give that run's breakdown (p50/p99 as the bucket bound they fall in).
/// </summary>
internal sealed class StageBreakdown
{
    private const string StagePrefix = "tracking_gateway_stage_seconds_bucket{stage=\"";
    private const string MessagePrefix = "tracking_gateway_message_seconds_bucket{span=\"";

    // stage -> (upper bound in seconds, cumulative count), in the order /metrics lists them.
    private readonly Dictionary<string, List<(double Le, long Count)>> _stages = [];

    /// <summary>The per-batch stages (<c>tracking_gateway_stage_seconds</c>).</summary>
    public static Task<StageBreakdown> ReadAsync(HttpClient http) => ReadAsync(http, StagePrefix);

    /// <summary>The per-message spans (<c>tracking_gateway_message_seconds</c>: one observation per message written).</summary>
    public static Task<StageBreakdown> ReadMessagesAsync(HttpClient http) => ReadAsync(http, MessagePrefix);

    private static async Task<StageBreakdown> ReadAsync(HttpClient http, string prefix)
    {
        var result = new StageBreakdown();
        foreach (string line in (await http.GetStringAsync("metrics")).Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            int stageEnd = line.IndexOf('"', prefix.Length);
            string stage = line[prefix.Length..stageEnd];
            int leStart = line.IndexOf("le=\"", stageEnd, StringComparison.Ordinal) + 4;
            int leEnd = line.IndexOf('"', leStart);
            string le = line[leStart..leEnd];
            double bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            long count = long.Parse(line.AsSpan(line.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture);
            if (!result._stages.TryGetValue(stage, out var buckets)) result._stages[stage] = buckets = [];
            buckets.Add((bound, count));
        }

        return result;
    }

    /// <summary>One line per stage: observations since <paramref name="before"/>, their p50 and p99 (bucket bounds).</summary>
    public string Since(StageBreakdown before)
    {
        var text = new StringBuilder();
        foreach (var (stage, buckets) in _stages)
        {
            var earlier = before._stages.GetValueOrDefault(stage);
            long[] counts = buckets.Select((b, i) => b.Count - (earlier is null ? 0 : earlier[i].Count)).ToArray();
            long total = counts[^1];
            if (total == 0) continue;
            // The slowest one too: a stall of a few batches (the first second of a new fleet) hides below every p99.
            text.Append(CultureInfo.InvariantCulture,
                $"    {stage,-20} {total,7:N0} x  p50 {Quantile(buckets, counts, 0.5),8}  p99 {Quantile(buckets, counts, 0.99),8}  max {Quantile(buckets, counts, 1),8}\n");
        }

        return text.ToString();
    }

    private static string Quantile(List<(double Le, long Count)> buckets, long[] cumulative, double q)
    {
        long rank = (long)Math.Ceiling(cumulative[^1] * q);
        for (int i = 0; i < cumulative.Length; i++)
        {
            if (cumulative[i] >= rank)
            {
                return double.IsPositiveInfinity(buckets[i].Le) ? "> " + (buckets[i - 1].Le * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms" : "<= " + (buckets[i].Le * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms";
            }
        }

        return "?";
    }
}
