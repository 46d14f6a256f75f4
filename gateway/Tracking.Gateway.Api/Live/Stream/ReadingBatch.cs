using System.Buffers;
using System.Text.Json;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// The data of a <c>readings</c> event: every reading of one fleet that arrived within a batch interval
/// (<see cref="LiveOptions.StreamBatch"/>), in arrival order. Serialized once for every client, compactly (docs/api.md,
/// "readings"): each container and tag name once per event, a reading as a positional array with the time in Unix ms.
/// A single-reading event was about 230 bytes and a delivery per reading and client; 100 clients at the ingest rate were
/// 10 million deliveries per 100,000 readings (bench/README.md, sse-fanout). Batched, a reading is about 40 bytes and a
/// delivery is per batch.
/// </summary>
public sealed class ReadingBatch(string fleet) : IStreamPayload
{
    private readonly List<(string Container, string Tag, LiveReading Reading)> _readings = [];

    public string Fleet { get; } = fleet;

    public int Count => _readings.Count;

    internal void Add(string container, string tag, LiveReading reading) => _readings.Add((container, tag, reading));

    public byte[] ToJson()
    {
        // Indexes into the containers and tags arrays, in order of first appearance.
        Dictionary<string, int> containers = new(StringComparer.Ordinal), tags = new(StringComparer.Ordinal);
        List<string> containerNames = [], tagNames = [];
        foreach (var (container, tag, _) in _readings)
        {
            if (containers.TryAdd(container, containerNames.Count)) containerNames.Add(container);
            if (tags.TryAdd(tag, tagNames.Count)) tagNames.Add(tag);
        }
        var buffer = new ArrayBufferWriter<byte>(64 + (_readings.Count * 48));
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteString("fleet"u8, Fleet);
            WriteNames(json, "containers"u8, containerNames);
            WriteNames(json, "tags"u8, tagNames);
            json.WriteStartArray("readings"u8);
            foreach (var (container, tag, r) in _readings)
            {
                json.WriteStartArray();
                json.WriteNumberValue(containers[container]);
                json.WriteNumberValue(tags[tag]);
                json.WriteNumberValue(r.TimeMs);
                Value(json, r.TemperatureC);
                Value(json, r.HumidityPct);
                Value(json, r.PressureHpa);
                Value(json, r.PeakG);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNames(Utf8JsonWriter json, ReadOnlySpan<byte> name, List<string> names)
    {
        json.WriteStartArray(name);
        foreach (string n in names) json.WriteStringValue(n);
        json.WriteEndArray();
    }

    /// <summary>JSON has no NaN: a sensor without a value is null.</summary>
    private static void Value(Utf8JsonWriter json, double v)
    {
        if (double.IsFinite(v)) json.WriteNumberValue(v);
        else json.WriteNullValue();
    }
}
