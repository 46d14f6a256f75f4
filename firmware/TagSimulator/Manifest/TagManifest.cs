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

    /// <summary>Called with every acknowledged publish of the tag.</summary>
    public void Record(string topic, byte[] payload)
    {
        if (topic.EndsWith("/telemetry", StringComparison.Ordinal)) RecordTelemetry(payload);
        else if (topic.EndsWith("/event", StringComparison.Ordinal)) RecordEvent(payload);
    }

    private void RecordTelemetry(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        long boot = root.GetProperty("boot").GetInt64();
        long seq = root.GetProperty("seq").GetInt64();
        long? t0 = root.TryGetProperty("t0", out var t) ? t.GetInt64() : null;
        int i = 0;
        foreach (var r in root.GetProperty("r").EnumerateArray())
        {
            long s = seq + i++;
            if (!_readingKeys.Add((boot, s))) continue;
            long offset = r[0].GetInt64();
            Readings.Add(new ManifestReading(boot, s, t0 + offset,
                ManifestReading.Scale(Number(r[1]), 2), ManifestReading.Scale(Number(r[2]), 1),
                ManifestReading.Scale(Number(r[3]), 1), ManifestReading.Scale(Number(r[4]), 2)));
        }
    }

    private void RecordEvent(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        long boot = root.GetProperty("boot").GetInt64();
        long seq = root.GetProperty("seq").GetInt64();
        if (!_eventKeys.Add((boot, seq))) return;
        long? ts = root.TryGetProperty("ts", out var t) ? t.GetInt64() : null;
        string kind = root.GetProperty("kind").GetString()!;
        string field = kind switch { "shock" => "g", "battery_low" => "bat", _ => "temp_c" };
        Events.Add(new ManifestEvent(boot, seq, ts, kind, root.GetProperty(field).GetDouble()));
    }

    private static double? Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
