using System.Buffers;
using System.Text.Json;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// A fleet's name table (<see cref="StreamNameTable"/>) as it was when a client subscribed: the <c>names</c> event it gets
/// before any <c>readings</c> event, so that it can resolve every stream index a replayed or later event uses. The arrays are the
/// table's own (never changed below the counts), so taking a snapshot copies nothing; it is serialized by the client's
/// writer, outside the hub's lock.
/// </summary>
internal sealed class NamesSnapshot(string fleet, string[] containers, int containerCount, string[] tags, int tagCount,
    (int Container, int Tag)[] streams, int streamCount)
{
    private static readonly byte[] Head = "event: names\ndata: "u8.ToArray(), End = "\n\n"u8.ToArray();

    public string Fleet { get; } = fleet;

    public ReadOnlySpan<string> Containers => containers.AsSpan(0, containerCount);

    public ReadOnlySpan<string> Tags => tags.AsSpan(0, tagCount);

    public ReadOnlySpan<(int Container, int Tag)> Streams => streams.AsSpan(0, streamCount);

    /// <summary>
    /// The event's data: <c>{"fleet","containers":[..],"tags":[..],"streams":[[c,t],..]}</c>, each name and stream at its
    /// index.
    /// </summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true })) WriteJson(json);
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("fleet"u8, Fleet);
        ReadingBatch.WriteNames(json, "containers"u8, Containers);
        ReadingBatch.WriteNames(json, "tags"u8, Tags);
        ReadingBatch.WriteStreams(json, Streams);
        json.WriteEndObject();
    }

    /// <summary>
    /// Writes the SSE frame to <paramref name="into"/>, without an id: it is not an event of the window, so the client's
    /// Last-Event-ID stays that of the last real event and a resume remains exact.
    /// </summary>
    public void WriteFrame(IBufferWriter<byte> into)
    {
        into.Write(Head);
        using (var json = new Utf8JsonWriter(into, new JsonWriterOptions { SkipValidation = true })) WriteJson(json);
        into.Write(End);
    }
}
