using System.Buffers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// Property: a <c>readings</c> event's data, whose readings the batch writes byte by byte (not through Utf8JsonWriter),
/// parses to exactly the values of the same event written entirely with Utf8JsonWriter, as it was before: any doubles
/// (NaN and infinities as null, -0, huge, tiny, hundredths, near misses), times in any order, names that need escaping,
/// streams of known names in new pairs, a batch on a table that already holds names and streams. The frame, <see cref="ReadingBatch.ToJson"/> and a detached copy's
/// (<see cref="DetachedReadings"/>) give the same data.
/// </summary>
public sealed class ReadingsFramePropertyTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly Gen<double> Values = Gen.Frequency(
        (4, Gen.Choose(-1_000_000, 1_000_000).Select(k => k / 100.0)),
        (2, from k in Gen.Choose(-100_000, 100_000) from up in Gen.Elements(true, false)
            select up ? Math.BitIncrement(k / 100.0) : Math.BitDecrement(k / 100.0)),
        (2, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, double.MaxValue, double.MinValue,
            double.Epsilon, -double.Epsilon, 1e15, -1e15, 1e21, 1e-5, 1e-7, 1e300, 1e-300, 0.1 + 0.2, 999_999_999.99, 1e9)),
        (2, ArbMap.Default.ArbFor<double>().Generator));

    // Pieces JSON escapes (quote, backslash, control characters, what the default encoder escapes for HTML), non-ASCII
    // (a surrogate pair among them), and plain ones.
    private static readonly Gen<string> Names =
        Gen.Elements("A", "csqu", "7", "\"", "\\", "\n", "\t", "\u0001", "\u001f", "<", "&", "'", "+", "/", " ", "é", "€", "😀", "\u2028")
            .ListOf().Where(l => l.Count is >= 1 and <= 6).Select(l => string.Concat(l));

    private static readonly Gen<(int Container, int Tag, int Ms, double[] Values)> Reading =
        from container in Gen.Choose(0, 4)
        from tag in Gen.Choose(0, 2)
        from ms in Gen.Choose(0, 100_000)
        from values in Values.ArrayOf(4)
        select (container, tag, ms, values);

    private static readonly Gen<(string[] Containers, string[] Tags, int Before, List<(int Container, int Tag, int Ms, double[] Values)> Readings)> Batches =
        from containers in Names.ArrayOf(5)
        from tags in Names.ArrayOf(3)
        from readings in Reading.ListOf().Where(l => l.Count is >= 1 and <= 40).Select(l => l.ToList())
        from before in Gen.Choose(0, 3)
        select (containers, tags, before, readings);

    [Fact]
    public void A_readings_event_parses_to_the_values_Utf8JsonWriter_wrote()
    {
        Prop.ForAll(Batches.ToArbitrary(), run =>
        {
            var rs = run.Readings.Select(r => (Container: run.Containers[r.Container], Tag: run.Tags[r.Tag],
                Reading: new LiveReading(T0 + r.Ms, r.Values[0], r.Values[1], r.Values[2], r.Values[3]))).ToList();
            int before = Math.Min(run.Before, rs.Count - 1);

            // The first readings on the table in a batch of their own: the batch under test adds to a table with names.
            var table = new StreamNameTable("acme \"north\"");
            var batch = new ReadingBatch(table);
            foreach (var r in rs.Take(before)) Assert.True(batch.TryAdd(r.Container, r.Tag, r.Reading, int.MaxValue));
            batch.Reset(table);
            foreach (var r in rs.Skip(before)) Assert.True(batch.TryAdd(r.Container, r.Tag, r.Reading, int.MaxValue));

            var scratch = new ArrayBufferWriter<byte>();
            using var json = new Utf8JsonWriter(scratch, new JsonWriterOptions { SkipValidation = true });
            byte[] frame = batch.ToFrame(42, scratch, json);
            byte[] data = Data(frame);
            byte[] reference = Reference(table.Fleet, rs.Select(r => (r.Container, r.Tag, r.Reading)).ToList(), before);

            AssertSameValues(JsonDocument.Parse(reference).RootElement, JsonDocument.Parse(data).RootElement, "$");
            Assert.Equal(data, batch.ToJson());
            Assert.Equal(data, batch.DetachInto(new DetachedReadings()).ToJson());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1_000));
    }

    [Fact]
    public void Sensor_values_are_written_as_before_to_the_byte()
    {
        var table = new StreamNameTable("acme");
        var batch = new ReadingBatch(table);
        batch.TryAdd("CSQU3054383", "tag1", new LiveReading(T0 + 5, 4.21, 55, 1013.2, 0.07), 100);
        batch.TryAdd("MSKU1234565", "tag\"2", new LiveReading(T0, -40.05, double.NaN, double.PositiveInfinity, -0.0), 100);
        batch.TryAdd("CSQU3054383", "tag1", new LiveReading(T0 + 1234, 1e21, 5e-324, 0.1 + 0.2, -999_999_999.99), 100);
        Assert.Equal($"{{\"fleet\":\"acme\",\"t0\":{T0},\"containers_from\":0,\"containers\":[\"CSQU3054383\",\"MSKU1234565\"],"
            + "\"tags_from\":0,\"tags\":[\"tag1\",\"tag\\u00222\"],\"streams_from\":0,\"streams\":[[0,0],[1,1]],"
            + "\"readings\":[[0,5,4.21,55,1013.2,0.07],[1,0,-40.05,null,null,-0],[0,1234,1E+21,5E-324,0.30000000000000004,-999999999.99]]}",
            Encoding.UTF8.GetString(batch.ToJson()));
    }

    /// <summary>The data line of an SSE frame <c>id: …\nevent: readings\ndata: {json}\n\n</c>.</summary>
    private static byte[] Data(byte[] frame)
    {
        string text = Encoding.UTF8.GetString(frame);
        Assert.StartsWith("id: 42\nevent: readings\ndata: ", text);
        Assert.EndsWith("\n\n", text);
        ReadOnlySpan<byte> prefix = "id: 42\nevent: readings\ndata: "u8;
        return frame[prefix.Length..^2];
    }

    /// <summary>
    /// The event as the batch wrote it before its readings were written byte by byte: every value through Utf8JsonWriter,
    /// indexes in the order names and streams were first used, the names and streams the readings after the first
    /// <paramref name="before"/> add.
    /// </summary>
    private static byte[] Reference(string fleet, List<(string Container, string Tag, LiveReading Reading)> readings, int before)
    {
        var containers = new Dictionary<string, int>(StringComparer.Ordinal);
        var tags = new Dictionary<string, int>(StringComparer.Ordinal);
        var streams = new Dictionary<(string, string), int>();
        foreach (var r in readings.Take(before))
        {
            containers.TryAdd(r.Container, containers.Count);
            tags.TryAdd(r.Tag, tags.Count);
            streams.TryAdd((r.Container, r.Tag), streams.Count);
        }
        (int containersFrom, int tagsFrom, int streamsFrom) = (containers.Count, tags.Count, streams.Count);
        var rest = readings.Skip(before).ToList();
        long t0 = rest.Min(r => r.Reading.TimeMs);

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("fleet", fleet);
            json.WriteNumber("t0", t0);
            json.WriteNumber("containers_from", containersFrom);
            json.WriteStartArray("containers");
            foreach (var r in rest)
            {
                if (containers.TryAdd(r.Container, containers.Count)) json.WriteStringValue(r.Container);
            }
            json.WriteEndArray();
            json.WriteNumber("tags_from", tagsFrom);
            json.WriteStartArray("tags");
            foreach (var r in rest)
            {
                if (tags.TryAdd(r.Tag, tags.Count)) json.WriteStringValue(r.Tag);
            }
            json.WriteEndArray();
            json.WriteNumber("streams_from", streamsFrom);
            json.WriteStartArray("streams");
            foreach (var r in rest)
            {
                if (!streams.TryAdd((r.Container, r.Tag), streams.Count)) continue;
                json.WriteStartArray();
                json.WriteNumberValue(containers[r.Container]);
                json.WriteNumberValue(tags[r.Tag]);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteStartArray("readings");
            foreach (var r in rest)
            {
                json.WriteStartArray();
                json.WriteNumberValue(streams[(r.Container, r.Tag)]);
                json.WriteNumberValue(r.Reading.TimeMs - t0);
                foreach (double v in new[] { r.Reading.TemperatureC, r.Reading.HumidityPct, r.Reading.PressureHpa, r.Reading.PeakG })
                {
                    if (double.IsFinite(v)) json.WriteNumberValue(v);
                    else json.WriteNullValue();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The same shape (properties in order), strings and nulls, and numbers that parse to the same double, bit for bit (-0 too).</summary>
    private static void AssertSameValues(JsonElement expected, JsonElement actual, string path)
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: {expected.ValueKind} expected, {actual.ValueKind} found ({actual.GetRawText()})");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(expected.EnumerateObject().Select(p => p.Name), actual.EnumerateObject().Select(p => p.Name));
                foreach (JsonProperty p in expected.EnumerateObject()) AssertSameValues(p.Value, actual.GetProperty(p.Name), $"{path}.{p.Name}");
                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (int i = 0; i < expected.GetArrayLength(); i++) AssertSameValues(expected[i], actual[i], $"{path}[{i}]");
                break;
            case JsonValueKind.Number:
                Assert.True(BitConverter.DoubleToInt64Bits(expected.GetDouble()) == BitConverter.DoubleToInt64Bits(actual.GetDouble()),
                    $"{path}: {expected.GetRawText()} expected, {actual.GetRawText()} found");
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), actual.GetString());
                break;
        }
    }
}
