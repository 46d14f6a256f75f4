using System.Text.Json;

namespace TagSimulator.Manifest;

/// <summary>
/// What one tag got acknowledged, decoded from the very payloads the broker PUBACKed. Delivery is at
/// least once (a batch acknowledged after an unacknowledged one is sent again), so the first copy of
/// each (boot, seq) counts, as in the gateway's dedupe.
/// </summary>
public sealed class TagManifest
{
    private readonly HashSet<(long, long)> _readingKeys = [];
    private readonly HashSet<(long, long)> _eventKeys = [];

    public TagManifest(string fleet, string container, string tag)
    {
        Fleet = fleet;
        Container = container;
        Tag = tag;
    }

    public string Fleet { get; }
    public string Container { get; }
    public string Tag { get; }
    public List<ManifestReading> Readings { get; } = [];
    public List<ManifestEvent> Events { get; } = [];

    /// <summary>What the scenario made happen (true times), or null when the manifest does not say.</summary>
    public ScenarioRecord? Scenario { get; set; }

    /// <summary>Acknowledged telemetry and event payloads that did not decode (a tag bug: the manifest lacks them).</summary>
    public int Rejected { get; private set; }

    /// <summary>Why the last rejected payload did not decode.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>
    /// Called with every acknowledged publish of the tag; null when recorded (or not a telemetry/event topic),
    /// else why the payload does not decode. A rejected payload adds nothing, not even its first readings.
    /// </summary>
    public string? Record(string topic, byte[] payload)
    {
        string? error = topic.EndsWith("/telemetry", StringComparison.Ordinal) ? RecordTelemetry(payload)
            : topic.EndsWith("/event", StringComparison.Ordinal) ? RecordEvent(payload)
            : null;
        if (error is not null)
        {
            Rejected++;
            LastRejection = error;
        }
        return error;
    }

    private string? RecordTelemetry(byte[] payload)
    {
        using var doc = JsonFields.Parse(payload, out string? error);
        if (doc is null) return error;
        var root = doc.RootElement;
        if (!JsonFields.Property(root, "boot", out var b, out error) || !JsonFields.Long(b, "boot", out long boot, out error)
            || !JsonFields.Property(root, "seq", out var q, out error) || !JsonFields.Long(q, "seq", out long seq, out error)
            || !JsonFields.Property(root, "r", out var rows, out error) || !JsonFields.Array(rows, "r", 0, out error))
        {
            return error;
        }
        long? t0 = null;
        if (!JsonFields.Optional(root, "t0", out var t, out error)) return error;
        if (t.ValueKind != JsonValueKind.Undefined)
        {
            if (!JsonFields.Long(t, "t0", out long t0Value, out error)) return error;
            t0 = t0Value;
        }
        if (!JsonFields.Optional(root, "t_est", out var e, out error)) return error;
        bool estimated = false;
        if (e.ValueKind != JsonValueKind.Undefined && !JsonFields.Bool(e, "t_est", out estimated, out error)) return error;
        // decoded whole before anything is added, so a bad row leaves the manifest as it was
        var decoded = new List<ManifestReading>(rows.GetArrayLength());
        foreach (var r in rows.EnumerateArray())
        {
            if (!JsonFields.Array(r, "r[]", 5, out error) || !JsonFields.Long(r[0], "r[][0]", out long offset, out error)
                || !JsonFields.NullableDouble(r[1], "r[][1]", out double? temp, out error)
                || !JsonFields.NullableDouble(r[2], "r[][2]", out double? rh, out error)
                || !JsonFields.NullableDouble(r[3], "r[][3]", out double? pressure, out error)
                || !JsonFields.NullableDouble(r[4], "r[][4]", out double? peak, out error))
            {
                return error;
            }
            if (!ManifestReading.Representable(temp, 2) || !ManifestReading.Representable(rh, 1)
                || !ManifestReading.Representable(pressure, 1) || !ManifestReading.Representable(peak, 2))
            {
                return "r[]: value too large for the manifest";
            }
            long s = seq + decoded.Count;
            decoded.Add(new ManifestReading(boot, s, t0 + offset,
                ManifestReading.Scale(temp, 2), ManifestReading.Scale(rh, 1), ManifestReading.Scale(pressure, 1), ManifestReading.Scale(peak, 2),
                estimated));
        }
        foreach (var reading in decoded)
        {
            if (_readingKeys.Add((reading.Boot, reading.Seq))) Readings.Add(reading);
        }
        return null;
    }

    private string? RecordEvent(byte[] payload)
    {
        using var doc = JsonFields.Parse(payload, out string? error);
        if (doc is null) return error;
        var root = doc.RootElement;
        if (!JsonFields.Property(root, "boot", out var b, out error) || !JsonFields.Long(b, "boot", out long boot, out error)
            || !JsonFields.Property(root, "seq", out var q, out error) || !JsonFields.Long(q, "seq", out long seq, out error)
            || !JsonFields.Property(root, "kind", out var k, out error) || !JsonFields.String(k, "kind", out string kind, out error))
        {
            return error;
        }
        long? ts = null;
        if (!JsonFields.Optional(root, "ts", out var t, out error)) return error;
        if (t.ValueKind != JsonValueKind.Undefined)
        {
            if (!JsonFields.Long(t, "ts", out long tsValue, out error)) return error;
            ts = tsValue;
        }
        string field = kind switch { "shock" => "g", "battery_low" => "bat", _ => "temp_c" };
        if (!JsonFields.Property(root, field, out var v, out error) || !JsonFields.NullableDouble(v, field, out double? value, out error))
        {
            return error;
        }
        if (value is null) return field + ": expected a number";
        if (_eventKeys.Add((boot, seq))) Events.Add(new ManifestEvent(boot, seq, ts, kind, value.Value));
        return null;
    }

}
