using System.Diagnostics;
using System.Text.Json;
using TagSimulator.Manifest;

namespace Tracking.Testing.EndToEnd;

/// <summary>The readings of a fleet in InfluxDB 1.x (measurement env, InfluxQL over /query), compared with a manifest.</summary>
public sealed class StoredReadings(Uri influxUrl, string database) : IDisposable
{
    private const int MismatchesKept = 20;

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1), UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Where an a0-timed reading is stored: -1 - ((boot mod 2^21) * 2^32 + seq) Unix ms (docs/protocol.md 10).</summary>
    public static long A0PointTime(long boot, long seq) => -1 - ((boot % (1L << 21)) * (1L << 32) + seq);

    /// <summary>Rows of the fleet's env measurement (0 when the database cannot answer, e.g. while it is down).</summary>
    public async Task<long> CountAsync(string fleet)
    {
        try
        {
            JsonElement result = await QueryAsync($"SELECT count(seq) FROM env WHERE fleet = '{fleet}'");
            return result.TryGetProperty("series", out var s) ? s[0].GetProperty("values")[0][1].GetInt64() : 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>Polls until the fleet has at least <paramref name="count"/> rows; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForCountAsync(string fleet, long count, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (await CountAsync(fleet) < count)
        {
            if (sw.Elapsed > timeout) return false;
            await Task.Delay(250);
        }
        return true;
    }

    /// <summary>
    /// Every reading of the manifest against the fleet's rows: same key (tag, boot, seq), time (an a0 reading's
    /// substitute time, protocol.md 10), a0_time present exactly for a0 readings, t_est, values and container.
    /// </summary>
    public async Task<ReadingComparison> CompareAsync(FleetManifest manifest, string fleet)
    {
        long sent = 0, stored = 0, missing = 0, extra = 0, duplicated = 0, mismatched = 0;
        var examples = new List<string>();
        void Example(string what)
        {
            if (examples.Count < MismatchesKept) examples.Add(what);
        }
        // tags that sent nothing acknowledged are not in the manifest; their rows (there should be none) count as extra
        var tags = manifest.Tags.ToDictionary(t => t.Tag);
        foreach (string tagId in (await TagsAsync(fleet)).Concat(tags.Keys).Distinct())
        {
            JsonElement result = await QueryAsync(
                $"SELECT temp_c, rh_pct, pressure_hpa, peak_g, boot, seq, container, t_est, a0_time FROM env WHERE \"tag\" = '{tagId}' AND fleet = '{fleet}'");
            var rows = new Dictionary<(long Boot, long Seq), JsonElement>();
            if (result.TryGetProperty("series", out var series))
            {
                foreach (JsonElement row in series[0].GetProperty("values").EnumerateArray())
                {
                    if (!rows.TryAdd((row[5].GetInt64(), row[6].GetInt64()), row)) duplicated++;
                }
            }
            stored += rows.Count;
            if (!tags.TryGetValue(tagId, out TagManifest? tag))
            {
                extra += rows.Count;
                continue;
            }
            var sentKeys = new HashSet<(long, long)>();
            foreach (ManifestReading r in tag.Readings)
            {
                sent++;
                sentKeys.Add((r.Boot, r.Seq));
                if (!rows.TryGetValue((r.Boot, r.Seq), out JsonElement row))
                {
                    missing++;
                    Example($"{tagId} boot {r.Boot} seq {r.Seq} missing");
                    continue;
                }
                bool same = (r.TimeMs ?? A0PointTime(r.Boot, r.Seq)) == row[0].GetInt64()
                    && (r.TimeMs is null) == (row[9].ValueKind == JsonValueKind.Number)
                    && r.Estimated == (row[8].ValueKind == JsonValueKind.True)
                    && r.TempC == Nullable(row[1]) && r.HumidityPct == Nullable(row[2])
                    && r.PressureHpa == Nullable(row[3]) && r.PeakG == Nullable(row[4])
                    && tag.Container == row[7].GetString();
                if (!same) mismatched++;
                if (!same) Example($"{tagId} boot {r.Boot} seq {r.Seq}: stored {row}");
            }
            foreach ((long boot, long seq) in rows.Keys.Where(k => !sentKeys.Contains(k)))
            {
                extra++;
                Example($"{tagId} boot {boot} seq {seq} stored but never acknowledged to the tag");
            }
        }
        return new ReadingComparison(sent, stored, missing, extra, duplicated, mismatched, examples);
    }

    /// <summary>
    /// The time the gateway derived for each a0-timed reading of the manifest (arrival - a0 + offset, the <c>a0_time</c>
    /// field), by (tag, boot, seq): where the rules judged it (<see cref="ExpectedAlerts.From"/>).
    /// </summary>
    public async Task<Dictionary<(string Tag, long Boot, long Seq), long>> A0TimesAsync(FleetManifest manifest, string fleet)
    {
        var times = new Dictionary<(string Tag, long Boot, long Seq), long>();
        foreach (TagManifest tag in manifest.Tags.Where(t => t.Readings.Any(r => r.TimeMs is null)))
        {
            JsonElement result = await QueryAsync($"SELECT boot, seq, a0_time FROM env WHERE \"tag\" = '{tag.Tag}' AND fleet = '{fleet}'");
            if (!result.TryGetProperty("series", out var series)) continue;
            foreach (JsonElement row in series[0].GetProperty("values").EnumerateArray())
            {
                if (row[3].ValueKind == JsonValueKind.Number) times[(tag.Tag, row[1].GetInt64(), row[2].GetInt64())] = row[3].GetInt64();
            }
        }
        return times;
    }

    private async Task<List<string>> TagsAsync(string fleet)
    {
        JsonElement result = await QueryAsync($"SHOW TAG VALUES FROM env WITH KEY = \"tag\" WHERE fleet = '{fleet}'");
        if (!result.TryGetProperty("series", out var series)) return [];
        return [.. series[0].GetProperty("values").EnumerateArray().Select(v => v[1].GetString()!)];
    }

    private async Task<JsonElement> QueryAsync(string q)
    {
        string url = $"{influxUrl}query?db={database}&epoch=ms&q={Uri.EscapeDataString(q)}";
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(url));
        return doc.RootElement.GetProperty("results")[0].Clone();
    }

    public void Dispose() => _http.Dispose();

    private static double? Nullable(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
