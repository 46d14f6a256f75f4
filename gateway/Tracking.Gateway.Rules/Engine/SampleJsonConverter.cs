using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A window sample in the snapshot as <c>[time_ms, boot, seq, temp_c, rh_pct]</c> (null for an absent value): the window
/// is most of a snapshot, written after every batch, and named fields tripled its size.
/// </summary>
internal sealed class SampleJsonConverter : JsonConverter<Sample>
{
    public override Sample Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("a sample is an array");
        var sample = new Sample
        {
            TimeMs = NextLong(ref reader),
            Boot = (uint)NextLong(ref reader),
            Seq = (uint)NextLong(ref reader),
            TempC = NextDouble(ref reader),
            RhPct = NextDouble(ref reader),
        };
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) throw new JsonException("a sample has 5 elements");
        return sample;
    }

    public override void Write(Utf8JsonWriter writer, Sample value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.TimeMs);
        writer.WriteNumberValue(value.Boot);
        writer.WriteNumberValue(value.Seq);
        WriteDouble(writer, value.TempC);
        WriteDouble(writer, value.RhPct);
        writer.WriteEndArray();
    }

    private static long NextLong(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number) throw new JsonException("a sample's time, boot and seq are numbers");
        return reader.GetInt64();
    }

    private static double NextDouble(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("a sample has 5 elements");
        return reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}
