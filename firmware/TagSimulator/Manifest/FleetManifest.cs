using System.Text.Json;

using TagSimulator.Models;

namespace TagSimulator.Manifest;

/// <summary>
/// The run's record of every reading and event the broker acknowledged, per tag, written as JSON:
/// <c>{"seed":..,"start_ms":..,"end_ms":..,"tags":[{"fleet","container","tag",
/// "readings":[[boot,seq,time_ms,temp_c,rh_pct,pressure_hpa,peak_g(,true when sent with t_est)],...],
/// "events":[[boot,seq,time_ms,kind,value],...],"scenario":{...}}]}</c> (time_ms null for a0-timed data, values null
/// where the tag sent null; "scenario": <see cref="ScenarioRecord"/>, what the scenario made happen, absent in older manifests). Readings are arrays to keep a 1,000-tag, 30-day manifest manageable.
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
                if (r.Estimated) w.WriteBooleanValue(true);
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
            if (tag.Scenario is { } scenario) WriteScenario(w, scenario);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteScenario(Utf8JsonWriter w, ScenarioRecord s)
    {
        w.WriteStartObject("scenario");
        if (s.Kind is { } kind) w.WriteString("kind", ScenarioRecord.KindName(kind)); else w.WriteNull("kind");
        w.WriteNumber("set_point_c", s.SetPointC);
        w.WritePropertyName("failure_start_ms");
        WriteNullable(w, s.FailureStartMs);
        w.WriteStartArray("shocks");
        foreach (var shock in s.Shocks)
        {
            w.WriteStartArray();
            w.WriteNumberValue(shock.AtMs);
            w.WriteNumberValue(shock.G);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WritePropertyName("air_leg");
        if (s.AirLeg is { } leg) WriteWindow(w, leg); else w.WriteNullValue();
        w.WritePropertyName("silent_from_ms");
        WriteNullable(w, s.SilentFromMs);
        w.WriteStartArray("doors");
        foreach (var door in s.Doors) WriteWindow(w, door);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteWindow(Utf8JsonWriter w, TimeWindow window)
    {
        w.WriteStartArray();
        w.WriteNumberValue(window.StartMs);
        w.WriteNumberValue(window.EndMs);
        w.WriteEndArray();
    }

    /// <summary>The optional "scenario" object of a tag; true with null when absent (manifests written before it).</summary>
    private static bool ParseScenario(JsonElement t, out ScenarioRecord? scenario, out string? error)
    {
        scenario = null;
        if (!JsonFields.Optional(t, "scenario", out var s, out error)) return false;
        if (s.ValueKind == JsonValueKind.Undefined) return true;
        if (!JsonFields.Property(s, "kind", out var k, out error)) return false;
        ScenarioKind? kind = null;
        if (k.ValueKind != JsonValueKind.Null)
        {
            if (!JsonFields.String(k, "scenario.kind", out string name, out error)) return false;
            kind = ScenarioRecord.ParseKind(name);
            if (kind is null)
            {
                error = $"scenario.kind: unknown kind '{name}'";
                return false;
            }
        }
        if (!JsonFields.Property(s, "set_point_c", out var sp, out error) || !JsonFields.NullableDouble(sp, "scenario.set_point_c", out double? setPoint, out error)
            || !JsonFields.Property(s, "failure_start_ms", out var f, out error) || !JsonFields.NullableLong(f, "scenario.failure_start_ms", out long? failure, out error)
            || !JsonFields.Property(s, "shocks", out var sh, out error) || !JsonFields.Array(sh, "scenario.shocks", 0, out error)
            || !JsonFields.Property(s, "air_leg", out var a, out error)
            || !JsonFields.Property(s, "silent_from_ms", out var si, out error) || !JsonFields.NullableLong(si, "scenario.silent_from_ms", out long? silent, out error)
            || !JsonFields.Property(s, "doors", out var d, out error) || !JsonFields.Array(d, "scenario.doors", 0, out error))
        {
            return false;
        }
        if (setPoint is null)
        {
            error = "scenario.set_point_c: expected a number";
            return false;
        }
        var shocks = new List<Shock>();
        foreach (var x in sh.EnumerateArray())
        {
            if (!JsonFields.Array(x, "scenario.shocks[]", 2, out error) || !JsonFields.Long(x[0], "scenario.shocks[][0]", out long at, out error)
                || !JsonFields.NullableDouble(x[1], "scenario.shocks[][1]", out double? g, out error))
            {
                return false;
            }
            if (g is null)
            {
                error = "scenario.shocks[][1]: expected a number";
                return false;
            }
            shocks.Add(new Shock(at, g.Value));
        }
        TimeWindow? air = null;
        if (a.ValueKind != JsonValueKind.Null)
        {
            if (!Window(a, "scenario.air_leg", out var leg, out error)) return false;
            air = leg;
        }
        var doors = new List<TimeWindow>();
        foreach (var x in d.EnumerateArray())
        {
            if (!Window(x, "scenario.doors[]", out var door, out error)) return false;
            doors.Add(door);
        }
        scenario = new ScenarioRecord
        {
            Kind = kind, SetPointC = setPoint.Value, FailureStartMs = failure, Shocks = shocks, AirLeg = air, SilentFromMs = silent, Doors = doors,
        };
        return true;

        static bool Window(JsonElement e, string name, out TimeWindow window, out string? error)
        {
            window = default;
            if (!JsonFields.Array(e, name, 2, out error) || !JsonFields.Long(e[0], name + "[0]", out long start, out error)
                || !JsonFields.Long(e[1], name + "[1]", out long end, out error))
            {
                return false;
            }
            window = new TimeWindow(start, end);
            return true;
        }
    }

    public void Write(string path)
    {
        using var file = File.Create(path);
        Write(file);
    }

    /// <summary>Reads a manifest file; a file that is not one throws <see cref="InvalidDataException"/> with the reason.</summary>
    public static FleetManifest Read(string path) =>
        Parse(File.ReadAllBytes(path), out string? error) ?? throw new InvalidDataException(path + ": " + error);

    /// <summary>Decodes a manifest as <see cref="Write(Stream)"/> writes it; null with the reason (field first) when it is not one.</summary>
    public static FleetManifest? Parse(byte[] json, out string? error)
    {
        using var doc = JsonFields.Parse(json, out error);
        if (doc is null) return null;
        var root = doc.RootElement;
        if (!JsonFields.Property(root, "seed", out var seedElement, out error) || !JsonFields.Long(seedElement, "seed", out long seed, out error)
            || !JsonFields.Property(root, "start_ms", out var startElement, out error) || !JsonFields.Long(startElement, "start_ms", out long startMs, out error)
            || !JsonFields.Property(root, "end_ms", out var endElement, out error) || !JsonFields.Long(endElement, "end_ms", out long endMs, out error)
            || !JsonFields.Property(root, "tags", out var tagsElement, out error) || !JsonFields.Array(tagsElement, "tags", 0, out error))
        {
            return null;
        }
        if (seed is < int.MinValue or > int.MaxValue)
        {
            error = "seed: out of range";
            return null;
        }
        var tags = new List<TagManifest>();
        foreach (var t in tagsElement.EnumerateArray())
        {
            TagManifest? tag = ParseTag(t, out error);
            if (tag is null) return null;
            tags.Add(tag);
        }
        return new FleetManifest { Seed = (int)seed, StartMs = startMs, EndMs = endMs, Tags = tags };
    }

    private static TagManifest? ParseTag(JsonElement t, out string? error)
    {
        if (!JsonFields.Property(t, "fleet", out var f, out error) || !JsonFields.String(f, "fleet", out string fleet, out error)
            || !JsonFields.Property(t, "container", out var c, out error) || !JsonFields.String(c, "container", out string container, out error)
            || !JsonFields.Property(t, "tag", out var g, out error) || !JsonFields.String(g, "tag", out string tagId, out error)
            || !JsonFields.Property(t, "readings", out var readings, out error) || !JsonFields.Array(readings, "readings", 0, out error)
            || !JsonFields.Property(t, "events", out var events, out error) || !JsonFields.Array(events, "events", 0, out error))
        {
            return null;
        }
        if (!ParseScenario(t, out ScenarioRecord? scenario, out error)) return null;
        var tag = new TagManifest(fleet, container, tagId) { Scenario = scenario };
        foreach (var r in readings.EnumerateArray())
        {
            if (!JsonFields.Array(r, "readings[]", 7, out error)
                || !JsonFields.Long(r[0], "readings[][0]", out long boot, out error) || !JsonFields.Long(r[1], "readings[][1]", out long seq, out error)
                || !JsonFields.NullableLong(r[2], "readings[][2]", out long? time, out error)
                || !JsonFields.NullableDouble(r[3], "readings[][3]", out double? temp, out error)
                || !JsonFields.NullableDouble(r[4], "readings[][4]", out double? rh, out error)
                || !JsonFields.NullableDouble(r[5], "readings[][5]", out double? pressure, out error)
                || !JsonFields.NullableDouble(r[6], "readings[][6]", out double? peak, out error))
            {
                return null;
            }
            bool estimated = false;
            if (r.GetArrayLength() > 7 && !JsonFields.Bool(r[7], "readings[][7]", out estimated, out error)) return null;
            if (!ManifestReading.Representable(temp, 2) || !ManifestReading.Representable(rh, 1)
                || !ManifestReading.Representable(pressure, 1) || !ManifestReading.Representable(peak, 2))
            {
                error = "readings[]: value too large for the manifest";
                return null;
            }
            tag.Readings.Add(new ManifestReading(boot, seq, time, ManifestReading.Scale(temp, 2), ManifestReading.Scale(rh, 1),
                ManifestReading.Scale(pressure, 1), ManifestReading.Scale(peak, 2), estimated));
        }
        foreach (var e in events.EnumerateArray())
        {
            if (!JsonFields.Array(e, "events[]", 5, out error)
                || !JsonFields.Long(e[0], "events[][0]", out long boot, out error) || !JsonFields.Long(e[1], "events[][1]", out long seq, out error)
                || !JsonFields.NullableLong(e[2], "events[][2]", out long? time, out error)
                || !JsonFields.String(e[3], "events[][3]", out string kind, out error)
                || !JsonFields.NullableDouble(e[4], "events[][4]", out double? value, out error))
            {
                return null;
            }
            if (value is null)
            {
                error = "events[][4]: expected a number";
                return null;
            }
            tag.Events.Add(new ManifestEvent(boot, seq, time, kind, value.Value));
        }
        return tag;
    }

    private static void WriteNullable(Utf8JsonWriter w, long? v)
    {
        if (v is { } x) w.WriteNumberValue(x); else w.WriteNullValue();
    }

    private static void WriteNullable(Utf8JsonWriter w, double? v)
    {
        if (v is { } x) w.WriteNumberValue(x); else w.WriteNullValue();
    }
}
