using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// Gathers the readings of one fleet that arrive within a batch interval (<see cref="LiveOptions.StreamBatch"/>), in
/// arrival order, for one <c>readings</c> event, serialized compactly (docs/api.md, "readings"): each container and tag
/// name once per event, a reading as a positional array with its time in ms after the event's earliest (<c>t0</c>, Unix
/// ms). A single-reading event was about 230 bytes and a delivery per reading and client; batched, a delivery is per
/// batch, and with times after <c>t0</c> (a few digits instead of 13) bench sse-fanout's stream went from 70 to 59 bytes
/// per reading, names included. Every byte is copied and sent once per client: at 100 clients the stream's bytes are
/// most of what the fan-out costs.
/// The hub reuses a batch once its frame is built (<see cref="ToFrame"/>): its arrays and name tables stay, so gathering
/// allocates nothing in the steady state, and the frame is the one array of the event, built once for every client.
/// With no client connected the hub keeps a copy of the batch's readings and names instead (<see cref="DetachInto"/>, in a
/// <see cref="DetachedReadings"/> whose event left the window unsent when there is one), serialized only if a client
/// resuming from before it is sent it.
/// Not thread-safe while gathering: the hub uses it under its lock.
/// </summary>
public sealed class ReadingBatch
{
    private static readonly byte[] IdPrefix = "id: "u8.ToArray(), Readings = "\nevent: readings\ndata: "u8.ToArray(), End = "]}\n\n"u8.ToArray();

    private readonly Dictionary<string, int> _containers = new(StringComparer.Ordinal), _tags = new(StringComparer.Ordinal);
    private readonly List<string> _containerNames = [], _tagNames = [];
    private Item[] _items = new Item[16];

    public ReadingBatch(string fleet) => Fleet = fleet;

    public string Fleet { get; private set; }

    public int Count { get; private set; }

    internal void Add(string container, string tag, LiveReading reading)
    {
        if (!_containers.TryGetValue(container, out int c))
        {
            c = _containerNames.Count;
            _containers.Add(container, c);
            _containerNames.Add(container);
        }
        if (!_tags.TryGetValue(tag, out int t))
        {
            t = _tagNames.Count;
            _tags.Add(tag, t);
            _tagNames.Add(tag);
        }
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = new Item(c, t, reading);
    }

    /// <summary>Empties the batch for <paramref name="fleet"/>, keeping its storage.</summary>
    internal void Reset(string fleet)
    {
        Fleet = fleet;
        Count = 0;
        _containers.Clear();
        _tags.Clear();
        _containerNames.Clear();
        _tagNames.Clear();
    }

    /// <summary>The event's data alone, as UTF-8 JSON.</summary>
    public byte[] ToJson() => ToJson(Fleet, _containerNames, _tagNames, _items.AsSpan(0, Count));

    internal static byte[] ToJson(string fleet, IReadOnlyList<string> containers, IReadOnlyList<string> tags, ReadOnlySpan<Item> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        WriteJson(json, fleet, containers, tags, items, closed: true);
        json.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The whole SSE frame of the event with id <paramref name="id"/>, in one array of its exact size.
    /// <paramref name="scratch"/> and <paramref name="json"/> (writing to it) are the hub's, reused for every batch.
    /// </summary>
    internal byte[] ToFrame(long id, ArrayBufferWriter<byte> scratch, Utf8JsonWriter json)
    {
        scratch.ResetWrittenCount();
        json.Reset(scratch);
        WriteJson(json, closed: false);
        json.Flush();
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(id, digits, out int idLength);
        ReadOnlySpan<byte> data = scratch.WrittenSpan;
        byte[] frame = GC.AllocateUninitializedArray<byte>(IdPrefix.Length + idLength + Readings.Length + data.Length + End.Length);
        Span<byte> at = frame;
        IdPrefix.CopyTo(at);
        at = at[IdPrefix.Length..];
        digits[..idLength].CopyTo(at);
        at = at[idLength..];
        Readings.CopyTo(at);
        at = at[Readings.Length..];
        data.CopyTo(at);
        at = at[data.Length..];
        End.CopyTo(at);
        return frame;
    }

    /// <summary>
    /// The batch's event data as it is now, copied into <paramref name="into"/> apart from the batch (which the hub then
    /// reuses) and serialized on first use: for a batch closed while no client is connected, which most likely nobody will
    /// ever be sent.
    /// </summary>
    internal DetachedReadings DetachInto(DetachedReadings into)
    {
        into.Fill(Fleet, _containerNames, _tagNames, _items.AsSpan(0, Count));
        return into;
    }

    private void WriteJson(Utf8JsonWriter json, bool closed) => WriteJson(json, Fleet, _containerNames, _tagNames, _items.AsSpan(0, Count), closed);

    /// <param name="closed">False: without the readings array's and the object's ends (the frame writes them with its end).</param>
    private static void WriteJson(Utf8JsonWriter json, string fleet, IReadOnlyList<string> containers, IReadOnlyList<string> tags,
        ReadOnlySpan<Item> items, bool closed)
    {
        long t0 = items.IsEmpty ? 0 : long.MaxValue;
        foreach (ref readonly Item item in items) t0 = Math.Min(t0, item.Reading.TimeMs);
        json.WriteStartObject();
        json.WriteString("fleet"u8, fleet);
        json.WriteNumber("t0"u8, t0);
        WriteNames(json, "containers"u8, containers);
        WriteNames(json, "tags"u8, tags);
        json.WriteStartArray("readings"u8);
        foreach (ref readonly Item item in items)
        {
            LiveReading r = item.Reading;
            json.WriteStartArray();
            json.WriteNumberValue(item.Container);
            json.WriteNumberValue(item.Tag);
            json.WriteNumberValue(r.TimeMs - t0);
            Value(json, r.TemperatureC);
            Value(json, r.HumidityPct);
            Value(json, r.PressureHpa);
            Value(json, r.PeakG);
            json.WriteEndArray();
        }
        if (!closed) return;
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNames(Utf8JsonWriter json, ReadOnlySpan<byte> name, IReadOnlyList<string> names)
    {
        json.WriteStartArray(name);
        for (int i = 0; i < names.Count; i++) json.WriteStringValue(names[i]);
        json.WriteEndArray();
    }

    /// <summary>JSON has no NaN: a sensor without a value is null.</summary>
    private static void Value(Utf8JsonWriter json, double v)
    {
        if (double.IsFinite(v)) json.WriteNumberValue(v);
        else json.WriteNullValue();
    }

    internal readonly record struct Item(int Container, int Tag, LiveReading Reading);
}
