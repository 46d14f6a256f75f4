using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Tracking.Formatting;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// Gathers the readings of one fleet that arrive within a batch interval (<see cref="LiveOptions.StreamBatch"/>), in
/// arrival order, for one <c>readings</c> event, serialized compactly (docs/api.md, "readings"): a reading as a positional
/// array with its stream (its container and tag) as an index in the fleet's name table (<see cref="StreamNameTable"/>,
/// which the event extends by the names and streams it introduces, <c>containers_from</c> / <c>containers</c>,
/// <c>tags_from</c> / <c>tags</c> and <c>streams_from</c> / <c>streams</c>) and its time in ms after the event's earliest
/// (<c>t0</c>, Unix ms). A single-reading event was about 230 bytes and a delivery per reading and client; batched, a
/// delivery is per batch; with times after <c>t0</c> (a few digits instead of 13) bench sse-fanout's stream went from 70
/// to 59 bytes per reading, with names sent once per fleet instead of once per event (about 25 of those 59 bytes) to about
/// 34, and with one stream index instead of a container and a tag index, about 4 bytes less (the tag index and its comma).
/// Every byte is copied and sent once per client: at 100 clients the stream's bytes are most of what the fan-out costs.
/// The hub reuses a batch once its frame is built (<see cref="ToFrame"/>): its array stays, so gathering allocates nothing
/// in the steady state, and the frame is the one array of the event, built once for every client.
/// With no client connected the hub keeps a copy of the batch's readings instead (<see cref="DetachInto"/>, in a
/// <see cref="DetachedReadings"/> whose event left the window unsent when there is one), serialized only if a client
/// resuming from before it is sent it.
/// Not thread-safe while gathering: the hub uses it under its lock, and only the fleet's one open batch adds to the fleet's
/// name table, so the names and streams a batch introduces are the table's from where it was when the batch began.
/// </summary>
public sealed class ReadingBatch
{
    private static readonly byte[] IdPrefix = "id: "u8.ToArray(), Readings = "\nevent: readings\ndata: "u8.ToArray(), End = "]}\n\n"u8.ToArray();

    // A reading's bytes at most, ",[" stream "," dt, four times ("," value), "]": integers of at most 20 characters, values
    // of at most FloatFormat's.
    private const int MaxReadingBytes = 2 + (2 * 20) + 1 + (4 * (1 + FloatFormat.MaxBytes)) + 1;

    private StreamNameTable _names;
    private int _containersFrom, _tagsFrom, _streamsFrom;
    private Item[] _items = new Item[16];

    internal ReadingBatch(StreamNameTable names)
    {
        _names = names;
        Reset(names);
    }

    public string Fleet => _names.Fleet;

    public int Count { get; private set; }

    /// <summary>The fleet's name table the batch's indexes refer to (one generation: a batch never spans two).</summary>
    internal StreamNameTable Names => _names;

    /// <summary>
    /// Adds <paramref name="reading"/>, adding its stream (and its container's and tag's names) to the fleet's table if they
    /// are new; false, adding nothing, when that would make the table hold more than <paramref name="cap"/> entries (the
    /// hub then closes the batch and starts a new table). With <paramref name="cache"/> (of this container and tag)
    /// resolved against the batch's table, its stream index without a lookup: streams in the table stay, so no cap to
    /// check; else resolved and kept there.
    /// </summary>
    internal bool TryAdd(string container, string tag, LiveReading reading, int cap, StreamNameCache? cache = null)
    {
        int stream;
        if (cache is not null && cache.Generation == _names.Generation)
        {
            stream = cache.Stream;
        }
        else
        {
            if (!_names.TryIndex(container, tag, cap, out stream)) return false;
            if (cache is not null) (cache.Generation, cache.Stream) = (_names.Generation, stream);
        }
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = new Item(stream, reading);
        return true;
    }

    /// <summary>Empties the batch for the fleet of <paramref name="names"/>, keeping its storage.</summary>
    internal void Reset(StreamNameTable names)
    {
        _names = names;
        _containersFrom = names.ContainerCount;
        _tagsFrom = names.TagCount;
        _streamsFrom = names.StreamCount;
        Count = 0;
    }

    /// <summary>The event's data alone, as UTF-8 JSON.</summary>
    public byte[] ToJson() => ToJson(Fleet, Added, _items.AsSpan(0, Count));

    internal static byte[] ToJson(string fleet, in AddedNames added, ReadOnlySpan<Item> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        WriteJson(buffer, json, fleet, added, items, closed: true);
        return buffer.WrittenSpan.ToArray();
    }

    // What the batch introduced: the table's names and streams from where it was when the batch began.
    private AddedNames Added => new(_names, _containersFrom, _tagsFrom, _streamsFrom);

    /// <summary>
    /// The whole SSE frame of the event with id <paramref name="id"/>, in one array of its exact size.
    /// <paramref name="scratch"/> and <paramref name="json"/> (writing to it) are the hub's, reused for every batch.
    /// </summary>
    internal byte[] ToFrame(long id, ArrayBufferWriter<byte> scratch, Utf8JsonWriter json)
    {
        scratch.ResetWrittenCount();
        json.Reset(scratch);
        WriteJson(scratch, json, Fleet, Added, _items.AsSpan(0, Count), closed: false);
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
    /// ever be sent. The names and streams are not copied: the copy keeps the table's arrays, which never change below its
    /// counts.
    /// </summary>
    internal DetachedReadings DetachInto(DetachedReadings into)
    {
        into.Fill(Fleet, Added, _items.AsSpan(0, Count));
        return into;
    }

    /// <summary>
    /// Writes the event's data into <paramref name="buffer"/>: the head (fleet, names, streams) with <paramref name="json"/>, which
    /// writes to <paramref name="buffer"/> and is not used after, and the readings straight into the buffer.
    /// </summary>
    /// <param name="closed">False: without the readings array's and the object's ends (the frame writes them with its end).</param>
    private static void WriteJson(IBufferWriter<byte> buffer, Utf8JsonWriter json, string fleet, in AddedNames added, ReadOnlySpan<Item> items,
        bool closed)
    {
        long t0 = items.IsEmpty ? 0 : long.MaxValue;
        foreach (ref readonly Item item in items) t0 = Math.Min(t0, item.Reading.TimeMs);
        json.WriteStartObject();
        json.WriteString("fleet"u8, fleet);
        json.WriteNumber("t0"u8, t0);
        // The names and streams this event adds to the fleet's table, and where: a client keeps that many of the fleet's
        // (fewer only at 0, a new table) and appends these. Explicit, so a client can check it missed nothing. The streams
        // before the readings: a reader that counts the readings as the '[' after "readings":[ (bench's SseClient) does
        // not count a stream's pair.
        json.WriteNumber("containers_from"u8, added.ContainersFrom);
        WriteNames(json, "containers"u8, added.Containers);
        json.WriteNumber("tags_from"u8, added.TagsFrom);
        WriteNames(json, "tags"u8, added.Tags);
        json.WriteNumber("streams_from"u8, added.StreamsFrom);
        WriteStreams(json, added.Streams);
        json.WriteStartArray("readings"u8);
        json.Flush();
        for (int i = 0; i < items.Length; i++) WriteReading(buffer, items[i], t0, first: i == 0);
        if (closed) buffer.Write("]}"u8);
    }

    /// <summary>
    /// One reading as its positional array, written byte by byte: only numbers and null, which need no escaping, and the
    /// doubles in the shortest round-trip form (<see cref="FloatFormat"/>, as Utf8JsonWriter writes them too). Through
    /// Utf8JsonWriter, a call per value, serializing the frames was about half of what the hub cost the gateway's CPU with
    /// 100 clients (2.6 of 5 %, perf, issue 13): seven calls a reading, four of them formatting a double.
    /// </summary>
    private static void WriteReading(IBufferWriter<byte> buffer, in Item item, long t0, bool first)
    {
        Span<byte> span = buffer.GetSpan(MaxReadingBytes);
        int at = 0;
        if (!first) span[at++] = (byte)',';
        span[at++] = (byte)'[';
        at += Integer(item.Stream, span[at..]);
        span[at++] = (byte)',';
        LiveReading r = item.Reading;
        at += Integer(r.TimeMs - t0, span[at..]);
        span[at++] = (byte)',';
        at += Value(r.TemperatureC, span[at..]);
        span[at++] = (byte)',';
        at += Value(r.HumidityPct, span[at..]);
        span[at++] = (byte)',';
        at += Value(r.PressureHpa, span[at..]);
        span[at++] = (byte)',';
        at += Value(r.PeakG, span[at..]);
        span[at++] = (byte)']';
        buffer.Advance(at);
    }

    private static int Integer(long value, Span<byte> into)
    {
        Utf8Formatter.TryFormat(value, into, out int written);
        return written;
    }

    /// <summary>JSON has no NaN: a sensor without a value is null.</summary>
    private static int Value(double v, Span<byte> into)
    {
        if (double.IsFinite(v)) return FloatFormat.Write(v, into);
        "null"u8.CopyTo(into);
        return 4;
    }

    internal static void WriteNames(Utf8JsonWriter json, ReadOnlySpan<byte> name, ReadOnlySpan<string> names)
    {
        json.WriteStartArray(name);
        foreach (string n in names) json.WriteStringValue(n);
        json.WriteEndArray();
    }

    /// <summary><c>"streams":[[c,t],..]</c>: each stream as its container's and tag's index.</summary>
    internal static void WriteStreams(Utf8JsonWriter json, ReadOnlySpan<(int Container, int Tag)> streams)
    {
        json.WriteStartArray("streams"u8);
        foreach ((int container, int tag) in streams)
        {
            json.WriteStartArray();
            json.WriteNumberValue(container);
            json.WriteNumberValue(tag);
            json.WriteEndArray();
        }
        json.WriteEndArray();
    }

    internal readonly record struct Item(int Stream, LiveReading Reading);
}
