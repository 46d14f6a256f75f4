using System.Text;
using System.Text.Json;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;
using Tracking.Testing;
using Tracking.Testing.Schema;
using Xunit;
using Xunit.Abstractions;

namespace ContainerTag.Tests;

public class EncoderTests
{
    private const long T0 = 1_732_600_000_000;
    private static readonly SubsetSchemaValidator Schema = new(RepoPaths.Of("docs", "schema"));
    private readonly ITestOutputHelper _output;

    public EncoderTests(ITestOutputHelper output) => _output = output;

    internal static Reading MakeReading(long boot, long seq, long stamp, double t, double rh, double p, double g, bool synced = true)
    {
        var r = new Reading { Boot = boot, Seq = seq, StampMs = stamp, Synced = synced };
        r.HasTemp = !double.IsNaN(t); r.TempCenti = r.HasTemp ? (int)PayloadWriter.Scale(t, 2) : 0;
        r.HasHumidity = !double.IsNaN(rh); r.HumidityDeci = r.HasHumidity ? (int)PayloadWriter.Scale(rh, 1) : 0;
        r.HasPressure = !double.IsNaN(p); r.PressureDeci = r.HasPressure ? (int)PayloadWriter.Scale(p, 1) : 0;
        r.HasPeak = !double.IsNaN(g); r.PeakCentiG = r.HasPeak ? (int)PayloadWriter.Scale(g, 2) : 0;
        return r;
    }

    private static ReadingSpool SpoolWith(IEnumerable<Reading> readings)
    {
        var spool = new ReadingSpool(new MemoryStorage(), 4032, 32);
        spool.Load();
        foreach (var r in readings)
        {
            spool.Append(r);
        }
        return spool;
    }

    private static List<string> EncodeAll(ReadingSpool spool, TimeBases bases, long now, bool synced, double bat = 3.92)
    {
        var cursor = spool.OpenCursor();
        var encoder = new TelemetryEncoder();
        var writer = new PayloadWriter(Limits.MaxPayloadBytes);
        var batches = new List<string>();
        while (encoder.EncodeNext(cursor, bases, now, synced, bat, writer))
        {
            batches.Add(Encoding.ASCII.GetString(writer.Buffer, 0, writer.Length));
        }
        return batches;
    }

    /// <summary>A realistic reefer hour and a quarter: 15 readings, 5 minutes apart, slowly varying values.</summary>
    internal static IEnumerable<Reading> TypicalBatch(int n = 15)
    {
        for (var i = 0; i < n; i++)
        {
            yield return MakeReading(3, 120 + i, T0 + i * 300_000L, 4.21 + 0.07 * i, 55.2 - 0.3 * i, 1013.2 - 0.1 * i, 0.12 + 0.01 * (i % 4));
        }
    }

    [Fact]
    public void Encodes_the_contract_example_exactly()
    {
        var spool = SpoolWith([MakeReading(3, 120, T0, 4.21, 55.2, 1013.2, 0.12), MakeReading(3, 121, T0 + 300000, 4.25, 55.0, 1013.1, 0.08)]);
        var batches = EncodeAll(spool, new TimeBases(), T0 + 600000, true);
        Assert.Equal(["{\"v\":1,\"boot\":3,\"seq\":120,\"t0\":1732600000000,\"bat\":3.92,\"r\":[[0,4.21,55.2,1013.2,0.12],[300000,4.25,55,1013.1,0.08]]}"], batches);
    }

    [Fact]
    public void Typical_batch_of_15_takes_at_most_40_bytes_per_reading_and_validates()
    {
        var batches = EncodeAll(SpoolWith(TypicalBatch()), new TimeBases(), T0 + 5_000_000, true);
        var payload = Assert.Single(batches);
        var perReading = payload.Length / 15.0;
        _output.WriteLine($"{payload.Length} bytes, {perReading:F1} per reading: {payload}");
        Assert.True(perReading <= 40, $"{perReading} bytes per reading");
        Assert.Empty(Schema.Validate("telemetry.schema.json", payload));
    }

    [Fact]
    public void Worst_case_values_still_fit_and_validate()
    {
        var readings = Enumerable.Range(0, 64).Select(i => MakeReading(4294967295, 4294967200 + i, T0 + i * 86_400_000L / 3, -39.99, 99.9, 1099.9, 27.72));
        var batches = EncodeAll(SpoolWith(readings), new TimeBases(), T0 + 30L * 86_400_000, true);
        Assert.All(batches, b =>
        {
            Assert.True(Encoding.ASCII.GetByteCount(b) <= Limits.MaxPayloadBytes);
            Assert.Empty(Schema.Validate("telemetry.schema.json", b));
        });
        Assert.Equal(64, batches.Sum(b => JsonDocument.Parse(b).RootElement.GetProperty("r").GetArrayLength()));
    }

    [Fact]
    public void Failed_sensors_are_null_and_numbers_are_trimmed()
    {
        var spool = SpoolWith([MakeReading(1, 0, T0, double.NaN, 50.0, double.NaN, double.NaN), MakeReading(1, 1, T0 + 1000, -0.05, 0, 300, 0)]);
        var payload = Assert.Single(EncodeAll(spool, new TimeBases(), T0 + 2000, true, double.NaN));
        Assert.Contains("\"bat\":null", payload);
        Assert.Contains("[0,null,50,null,null],[1000,-0.05,0,300,0]", payload);
        Assert.Empty(Schema.Validate("telemetry.schema.json", payload));
    }

    [Fact]
    public void Batches_are_cut_at_seq_gaps_boot_changes_and_64_readings()
    {
        var readings = new List<Reading>();
        for (var i = 0; i < 70; i++) readings.Add(MakeReading(5, i, T0 + i * 1000, 5, 50, 1000, 0.1));
        readings.Add(MakeReading(5, 72, T0 + 72_000, 5, 50, 1000, 0.1)); // gap left by thinning
        readings.Add(MakeReading(6, 0, T0 + 80_000, 5, 50, 1000, 0.1));  // new boot
        var batches = EncodeAll(SpoolWith(readings), new TimeBases(), T0 + 100_000, true).Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal([(5L, 0L, 64), (5L, 64L, 6), (5L, 72L, 1), (6L, 0L, 1)],
            batches.Select(b => (b.GetProperty("boot").GetInt64(), b.GetProperty("seq").GetInt64(), b.GetProperty("r").GetArrayLength())).ToList());
        Assert.Equal(T0 + 64_000, batches[1].GetProperty("t0").GetInt64());
    }

    [Fact]
    public void Batch_is_cut_when_offsets_would_not_increase_or_not_fit()
    {
        var readings = new[]
        {
            MakeReading(1, 0, T0, 5, 50, 1000, 0.1),
            MakeReading(1, 1, T0 - 5000, 5, 50, 1000, 0.1),              // clock stepped back
            MakeReading(1, 2, T0 - 5000 + 2_147_483_648L, 5, 50, 1000, 0.1), // offset over 2^31-1
        };
        var batches = EncodeAll(SpoolWith(readings), new TimeBases(), T0 + 3L * 86_400_000 * 30, true);
        Assert.Equal(3, batches.Count);
    }

    [Fact]
    public void Unsynced_readings_are_sent_with_a0_age()
    {
        var bases = new TimeBases();
        bases.StartBoot(2, 10_000, false, false, 0);
        var spool = SpoolWith([MakeReading(2, 0, 10_000, 5, 50, 1000, 0.1, synced: false), MakeReading(2, 1, 310_000, 5, 50, 1000, 0.1, synced: false)]);
        var payload = Assert.Single(EncodeAll(spool, bases, 400_000, false));
        var root = JsonDocument.Parse(payload).RootElement;
        Assert.Equal(390_000, root.GetProperty("a0").GetInt64());
        Assert.False(root.TryGetProperty("t0", out _));
        Assert.Empty(Schema.Validate("telemetry.schema.json", payload));
    }

    [Fact]
    public void Event_status_and_will_validate()
    {
        var writer = new PayloadWriter(Limits.MaxPayloadBytes);
        var bases = new TimeBases();
        foreach (var (kind, value) in new[] { (EventKind.Shock, 640), (EventKind.TempHigh, 912), (EventKind.TempLow, -150), (EventKind.BatteryLow, 339) })
        {
            var e = new TagEvent { Boot = 3, Seq = 121, StampMs = 1_732_600_123_456, Synced = true, Kind = kind, ValueCenti = value };
            EventEncoder.Encode(e, bases, T0, true, writer);
            var json = Encoding.ASCII.GetString(writer.Buffer, 0, writer.Length);
            Assert.Empty(Schema.Validate("event.schema.json", json));
            if (kind == EventKind.Shock)
            {
                Assert.Equal("{\"v\":1,\"boot\":3,\"seq\":121,\"ts\":1732600123456,\"kind\":\"shock\",\"g\":6.4}", json);
            }
        }

        var status = new StatusMessage { Firmware = "1.0.0", Boot = 3, BatteryVolts = 3.91, Rssi = -67, Spool = 12, Thinned = 0, LifeDays = 410, ReportS = 3600, Wakes = 5, RadioMs = 4000, ConfigError = "sample_s: out of range 10..86400" };
        status.Encode(writer);
        var statusJson = Encoding.ASCII.GetString(writer.Buffer, 0, writer.Length);
        Assert.StartsWith("{\"v\":1,\"online\":true,\"fw\":\"1.0.0\",\"boot\":3,\"bat\":3.91,\"rssi\":-67,\"spool\":12,\"thinned\":0,\"life_d\":410,", statusJson);
        Assert.Empty(Schema.Validate("status.schema.json", statusJson));
        status.Rssi = int.MinValue;
        status.Encode(writer);
        Assert.Contains("\"rssi\":null", Encoding.ASCII.GetString(writer.Buffer, 0, writer.Length));

        var will = Encoding.ASCII.GetString(StatusMessage.WillPayload());
        Assert.Equal("{\"v\":1,\"online\":false}", will);
        Assert.Empty(Schema.Validate("status.schema.json", will));
    }

    [Theory]
    [InlineData("telemetry.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1,\"bat\":3.9,\"r\":[[0,4,50,1000,0.1]]}")]                 // neither t0 nor a0
    [InlineData("telemetry.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1,\"t0\":1,\"a0\":1,\"bat\":3.9,\"r\":[[0,4,50,1000,0.1]]}")] // both
    [InlineData("telemetry.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1,\"t0\":1,\"bat\":3.9,\"r\":[[0,86,50,1000,0.1]]}")]       // temperature over 85
    [InlineData("telemetry.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1,\"t0\":1,\"bat\":3.9,\"r\":[[0,4,50,1000]]}")]           // 4 elements
    [InlineData("telemetry.schema.json", "{\"v\":1,\"boot\":-1,\"seq\":1,\"t0\":1,\"bat\":3.9,\"r\":[[0,4,50,1000,0.1]]}")]      // negative boot
    [InlineData("telemetry.schema.json", "{\"v\":2,\"boot\":3,\"seq\":1,\"t0\":1,\"bat\":3.9,\"r\":[[0,4,50,1000,0.1]]}")]       // other version
    [InlineData("telemetry.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1.5,\"t0\":1,\"bat\":3.9,\"r\":[[0,4,50,1000,0.1]]}")]     // fractional seq
    [InlineData("event.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1,\"ts\":1,\"kind\":\"shock\",\"temp_c\":5}")]                  // shock without g
    [InlineData("event.schema.json", "{\"v\":1,\"boot\":3,\"seq\":1,\"ts\":1,\"kind\":\"fire\",\"g\":5}")]                        // unknown kind
    [InlineData("status.schema.json", "{\"v\":1,\"online\":true}")]                                                                 // online without details
    [InlineData("config.schema.json", "{\"v\":1,\"sample_s\":5,\"report_s\":3600,\"t_lo\":2,\"t_hi\":8,\"t_delay_s\":600,\"shock_g\":4,\"bat_lo\":3.4}")]
    [InlineData("alert.schema.json", "{\"v\":1,\"id\":\"a\",\"ts\":1,\"kind\":\"temp_high\",\"state\":\"open\"}")]
    public void Schemas_reject_bad_messages(string schema, string json)
    {
        Assert.NotEmpty(Schema.Validate(schema, json));
    }

    [Fact]
    public void Schemas_accept_their_examples_and_ignore_unknown_fields()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Of("docs", "schema"), "*.schema.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (!doc.RootElement.TryGetProperty("examples", out var examples))
            {
                continue;
            }
            foreach (var example in examples.EnumerateArray())
            {
                Assert.Empty(Schema.Validate(Path.GetFileName(file), example));
                var extended = example.GetRawText().TrimEnd('}') + ",\"future_field\":{\"x\":[1,2]}}";
                Assert.Empty(Schema.Validate(Path.GetFileName(file), extended));
            }
        }
    }

    [Theory]
    [InlineData(421, 2, "4.21")]
    [InlineData(550, 1, "55")]
    [InlineData(10132, 1, "1013.2")]
    [InlineData(-5, 2, "-0.05")]
    [InlineData(-400, 2, "-4")]
    [InlineData(0, 2, "0")]
    [InlineData(1005, 2, "10.05")]
    [InlineData(2772, 2, "27.72")]
    public void Fixed_point_numbers_are_shortest_form(long scaled, int decimals, string expected)
    {
        var w = new PayloadWriter(32);
        w.Fixed(scaled, decimals);
        Assert.Equal(expected, Encoding.ASCII.GetString(w.Buffer, 0, w.Length));
    }

    [Fact]
    public void Strings_are_escaped()
    {
        var w = new PayloadWriter(64);
        w.String("a\"b\\c\n\u00e9");
        var text = Encoding.ASCII.GetString(w.Buffer, 0, w.Length);
        Assert.Equal("\"a\\\"b\\\\c\\u000a\\u00e9\"", text);
        Assert.Equal("a\"b\\c\n\u00e9", JsonSerializer.Deserialize<string>(text));
    }
}
