using System.Text.Json;

namespace Tracking.Testing;

/// <summary>
/// Decodes the data of a stream <c>readings</c> event (docs/api.md): <c>{"fleet","t0","containers":[..],"tags":[..],
/// "readings":[[container index, tag index, ms after t0, temp_c, rh_pct, pressure_hpa, peak_g], ..]}</c>.
/// </summary>
public static class StreamReadings
{
    public static IReadOnlyList<StreamReading> Decode(string data)
    {
        using JsonDocument doc = JsonDocument.Parse(data);
        JsonElement root = doc.RootElement;
        string fleet = root.GetProperty("fleet").GetString()!;
        long t0 = root.GetProperty("t0").GetInt64();
        string[] containers = [.. root.GetProperty("containers").EnumerateArray().Select(e => e.GetString()!)];
        string[] tags = [.. root.GetProperty("tags").EnumerateArray().Select(e => e.GetString()!)];
        List<StreamReading> readings = [];
        foreach (JsonElement r in root.GetProperty("readings").EnumerateArray())
        {
            if (r.GetArrayLength() != 7) throw new FormatException($"a reading must have 7 elements: {r}");
            readings.Add(new StreamReading(fleet, containers[r[0].GetInt32()], tags[r[1].GetInt32()], t0 + r[2].GetInt64(),
                Value(r[3]), Value(r[4]), Value(r[5]), Value(r[6])));
        }
        return readings;
    }

    private static double? Value(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
