using System.Text.Json;

namespace TagSimulator.Manifest;

/// <summary>
/// The run's record of every reading and event the broker acknowledged, per tag, written as JSON:
/// <c>{"seed":..,"start_ms":..,"end_ms":..,"tags":[{"fleet","container","tag",
/// "readings":[[boot,seq,time_ms,temp_c,rh_pct,pressure_hpa,peak_g],...],
/// "events":[[boot,seq,time_ms,kind,value],...]}]}</c> (time_ms null for a0-timed data, values null
/// where the tag sent null). Readings are arrays to keep a 1,000-tag, 30-day manifest manageable.
/// </summary>
public sealed class FleetManifest
{
    public int Seed { get; init; }
    public long StartMs { get; init; }
    public long EndMs { get; init; }
    public IReadOnlyList<TagManifest> Tags { get; init; } = [];

    public long ReadingCount => Tags.Sum(t => (long)t.Readings.Count);

    public void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteNumber("seed", Seed);
        w.WriteNumber("start_ms", StartMs);
        w.WriteNumber("end_ms", EndMs);
        w.WriteStartArray("tags");
        foreach (var tag in Tags)
        {
            w.WriteStartObject();
            w.WriteString("fleet", tag.Fleet);
            w.WriteString("container", tag.Container);
            w.WriteString("tag", tag.Tag);
            w.WriteStartArray("readings");
            foreach (var r in tag.Readings)
            {
                w.WriteStartArray();
                w.WriteNumberValue(r.Boot);
                w.WriteNumberValue(r.Seq);
                WriteNullable(w, r.TimeMs);
                WriteNullable(w, r.TempC);
                WriteNullable(w, r.HumidityPct);
                WriteNullable(w, r.PressureHpa);
                WriteNullable(w, r.PeakG);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartArray("events");
            foreach (var e in tag.Events)
            {
                w.WriteStartArray();
                w.WriteNumberValue(e.Boot);
                w.WriteNumberValue(e.Seq);
                WriteNullable(w, e.TimeMs);
                w.WriteStringValue(e.Kind);
                w.WriteNumberValue(e.Value);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public void Write(string path)
    {
        using var file = File.Create(path);
        Write(file);
    }

    public static FleetManifest Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var tags = new List<TagManifest>();
        foreach (var t in root.GetProperty("tags").EnumerateArray())
        {
            var tag = new TagManifest(t.GetProperty("fleet").GetString()!, t.GetProperty("container").GetString()!, t.GetProperty("tag").GetString()!);
            foreach (var r in t.GetProperty("readings").EnumerateArray())
            {
                tag.Readings.Add(new ManifestReading(r[0].GetInt64(), r[1].GetInt64(), Long(r[2]),
                    ManifestReading.Scale(Double(r[3]), 2), ManifestReading.Scale(Double(r[4]), 1),
                    ManifestReading.Scale(Double(r[5]), 1), ManifestReading.Scale(Double(r[6]), 2)));
            }
            foreach (var e in t.GetProperty("events").EnumerateArray())
            {
                tag.Events.Add(new ManifestEvent(e[0].GetInt64(), e[1].GetInt64(), Long(e[2]), e[3].GetString()!, e[4].GetDouble()));
            }
            tags.Add(tag);
        }
        return new FleetManifest
        {
            Seed = root.GetProperty("seed").GetInt32(),
            StartMs = root.GetProperty("start_ms").GetInt64(),
            EndMs = root.GetProperty("end_ms").GetInt64(),
            Tags = tags,
        };
    }

    private static long? Long(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt64();
    private static double? Double(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    private static void WriteNullable(Utf8JsonWriter w, long? v)
    {
        if (v is { } x) w.WriteNumberValue(x); else w.WriteNullValue();
    }

    private static void WriteNullable(Utf8JsonWriter w, double? v)
    {
        if (v is { } x) w.WriteNumberValue(x); else w.WriteNullValue();
    }
}
