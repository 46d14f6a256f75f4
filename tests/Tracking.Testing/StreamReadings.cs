using System.Text.Json;

namespace Tracking.Testing;

/// <summary>
/// Decodes a stream's <c>readings</c> events as a client does (docs/api.md, "GET /api/v1/stream"): it keeps each fleet's
/// name table, set by a <c>names</c> event (<c>{"fleet","containers":[..],"tags":[..],"streams":[[c,t],..]}</c>) and
/// extended by every <c>readings</c> event (<c>{"fleet","t0","containers_from","containers":[..],"tags_from","tags":[..],
/// "streams_from","streams":[[c,t],..],"readings":[[stream index, ms after t0, temp_c, rh_pct, pressure_hpa, peak_g], ..]}</c>:
/// the fleet's first <c>containers_from</c> container names are kept, the event's appended, and the same for tags and
/// streams; a stream is its container's and tag's index). Strict: an event that continues from more names or streams than
/// the client has, or a reading whose stream, or a stream whose container or tag, names nothing, is a
/// <see cref="FormatException"/>, so a test sees a stream that would leave a client unable to name a reading. One instance
/// per connection, fed every event in order.
/// </summary>
public sealed class StreamReadings
{
    private readonly Dictionary<string, (List<string> Containers, List<string> Tags, List<(int Container, int Tag)> Streams)> _fleets =
        new(StringComparer.Ordinal);

    /// <summary>The fleets whose names the client knows.</summary>
    public IReadOnlyCollection<string> Fleets => _fleets.Keys;

    /// <summary>The container names of <paramref name="fleet"/> the client knows, each at its index (empty: none).</summary>
    public IReadOnlyList<string> Containers(string fleet) => _fleets.TryGetValue(fleet, out var t) ? t.Containers : [];

    /// <summary>The tag names of <paramref name="fleet"/> the client knows, each at its index (empty: none).</summary>
    public IReadOnlyList<string> Tags(string fleet) => _fleets.TryGetValue(fleet, out var t) ? t.Tags : [];

    /// <summary>The streams of <paramref name="fleet"/> the client knows, each at its index, by name (empty: none).</summary>
    public IReadOnlyList<(string Container, string Tag)> Streams(string fleet) =>
        _fleets.TryGetValue(fleet, out var t) ? [.. t.Streams.Select(s => Resolve(t, s))] : [];

    /// <summary>
    /// One event of the stream, in order: a <c>names</c> event sets its fleet's table, a <c>readings</c> event is decoded
    /// (and extends its fleet's table), any other gives no readings.
    /// </summary>
    public IReadOnlyList<StreamReading> Apply(string type, string data)
    {
        switch (type)
        {
            case "names":
                Names(data);
                return [];
            case "readings":
                return Decode(data);
            default:
                return [];
        }
    }

    /// <summary>A <c>names</c> event: its fleet's table is the event's, whatever the client knew before.</summary>
    public void Names(string data)
    {
        using JsonDocument doc = JsonDocument.Parse(data);
        JsonElement root = doc.RootElement;
        _fleets[root.GetProperty("fleet").GetString()!] =
            (Strings(root.GetProperty("containers")), Strings(root.GetProperty("tags")), Pairs(root.GetProperty("streams")));
    }

    /// <summary>A <c>readings</c> event: its readings with their names, the fleet's table extended by the event's names and streams.</summary>
    public IReadOnlyList<StreamReading> Decode(string data)
    {
        using JsonDocument doc = JsonDocument.Parse(data);
        JsonElement root = doc.RootElement;
        string fleet = root.GetProperty("fleet").GetString()!;
        long t0 = root.GetProperty("t0").GetInt64();
        if (!_fleets.TryGetValue(fleet, out var table)) _fleets[fleet] = table = ([], [], []);
        Extend(table.Containers, root, "containers", Strings);
        Extend(table.Tags, root, "tags", Strings);
        Extend(table.Streams, root, "streams", Pairs);
        List<StreamReading> readings = [];
        foreach (JsonElement r in root.GetProperty("readings").EnumerateArray())
        {
            if (r.GetArrayLength() != 6) throw new FormatException($"a reading must have 6 elements: {r}");
            int s = r[0].GetInt32();
            if (s < 0 || s >= table.Streams.Count) throw new FormatException($"stream index {s} names nothing (the client knows {table.Streams.Count})");
            (string container, string tag) = Resolve(table, table.Streams[s]);
            readings.Add(new StreamReading(fleet, container, tag, t0 + r[1].GetInt64(), Value(r[2]), Value(r[3]), Value(r[4]), Value(r[5])));
        }
        return readings;
    }

    /// <summary>An event that needs no earlier names (a fleet's first, or the first of a new table), decoded alone.</summary>
    public static IReadOnlyList<StreamReading> DecodeAlone(string data) => new StreamReadings().Decode(data);

    private static void Extend<T>(List<T> list, JsonElement root, string field, Func<JsonElement, List<T>> read)
    {
        int from = root.GetProperty(field + "_from").GetInt32();
        if (from < 0 || from > list.Count)
        {
            throw new FormatException($"the event's {field} continue from {from}, but the client knows {list.Count}");
        }
        list.RemoveRange(from, list.Count - from);
        list.AddRange(read(root.GetProperty(field)));
    }

    private static (string Container, string Tag) Resolve(
        (List<string> Containers, List<string> Tags, List<(int Container, int Tag)> Streams) table, (int Container, int Tag) stream) =>
        (Name(table.Containers, stream.Container, "container"), Name(table.Tags, stream.Tag, "tag"));

    private static string Name(List<string> names, int i, string what) =>
        i >= 0 && i < names.Count ? names[i] : throw new FormatException($"{what} index {i} names nothing (the client knows {names.Count})");

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static List<(int, int)> Pairs(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.GetArrayLength() == 2 ? (e[0].GetInt32(), e[1].GetInt32())
            : throw new FormatException($"a stream must be [container, tag]: {e}"))];

    private static double? Value(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();
}
