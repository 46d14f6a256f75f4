using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A window in a JSON snapshot (version 1) as the array of its samples, as its list was written: such a snapshot still
/// loads. Each sample by the options' converter (<see cref="SampleJsonConverter"/> in the engine's).
/// </summary>
internal sealed class SampleWindowJsonConverter : JsonConverter<SampleWindow>
{
    public override SampleWindow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("a window is an array of samples");
        var converter = (JsonConverter<Sample>)options.GetConverter(typeof(Sample));
        var window = new SampleWindow();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            window.Add(converter.Read(ref reader, typeof(Sample), options));
        }
        if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException("a window's array is not closed");
        return window;
    }

    public override void Write(Utf8JsonWriter writer, SampleWindow value, JsonSerializerOptions options)
    {
        var converter = (JsonConverter<Sample>)options.GetConverter(typeof(Sample));
        writer.WriteStartArray();
        foreach (Sample sample in value) converter.Write(writer, sample, options);
        writer.WriteEndArray();
    }
}
