using System.Text;
using TagSimulator.Manifest;

namespace TagSimulator.Tests;

/// <summary>
/// One example per escape the simulator's totality properties (DecoderTotalityTests) found, so each stays fixed
/// even if the random search stops reaching it.
/// </summary>
public sealed class DecoderRegressionTests
{
    [Theory]
    [InlineData("NaN")]      // every comparison with NaN was false, so it passed both range checks: a 0 ms run
    [InlineData("NaNh")]
    [InlineData("1e-300")]   // positive, but (long)(v * 1000) is 0 ms
    [InlineData("0.5ms")]
    public void Durations_that_come_to_no_whole_millisecond_are_rejected(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => SimulatorOptions.Parse(["--duration", text]));
        Assert.StartsWith("--duration:", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, SimulatorOptions.ParseDuration("1ms"));
    }

    [Theory]
    [InlineData("-9223372036854775808")] // start + duration overflowed and no stamp was a valid time
    [InlineData("9223372036854775807")]
    [InlineData("9999-12-31T00:00:00Z")] // the voyage would end after the year 9999
    public void Start_times_outside_the_valid_years_are_rejected(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => SimulatorOptions.Parse(["--start", text]));
        Assert.StartsWith("--start:", e.Message, StringComparison.Ordinal);
        Assert.Equal(1_732_600_000_000, SimulatorOptions.Parse(["--start", "2024-11-26T05:46:40Z"]).StartMs);
    }

    [Theory]
    [InlineData("f/c/t/telemetry", "{\"boot\":3,")]                                  // JsonException escaped Record
    [InlineData("f/c/t/telemetry", "{\"boot\":3.5,\"seq\":1,\"r\":[]}")]             // FormatException from GetInt64
    [InlineData("f/c/t/telemetry", "{\"boot\":3,\"seq\":1,\"r\":[[0,1]]}")]          // IndexOutOfRangeException from r[2]
    [InlineData("f/c/t/telemetry", "{\"boot\":3,\"seq\":1,\"r\":[[0,1e300,1,1,1]]}")] // saturated to another value
    [InlineData("f/c/t/telemetry", "{\"\\ud800\":1,\"boot\":3,\"seq\":1,\"r\":[]}")]  // InvalidOperationException from the name lookup
    [InlineData("f/c/t/event", "{\"boot\":3,\"seq\":1,\"kind\":\"\\udc00\",\"g\":1}")] // InvalidOperationException from GetString
    [InlineData("f/c/t/event", "{\"boot\":3,\"seq\":1,\"kind\":\"shock\",\"g\":null}")]
    [InlineData("f/c/t/telemetry", "{\"boot\":3,\"seq\":1,\"t0\":5,\"t_est\":1,\"r\":[[0,1,1,1,1]]}")]
    public void Acknowledged_payloads_that_do_not_decode_are_rejected_with_a_reason_and_record_nothing(string topic, string json)
    {
        var m = new TagManifest("f", "c", "t");
        string? error = m.Record(topic, Encoding.UTF8.GetBytes(json));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Equal((1, error), (m.Rejected, m.LastRejection));
        Assert.Empty(m.Readings);
        Assert.Empty(m.Events);
    }

    [Fact]
    public void Every_payload_a_simulated_voyage_gets_acknowledged_decodes_and_reads_back_from_the_manifest_file()
    {
        // the strict decoders must not turn the tag's own payloads into rejections (a manifest that silently under-counts)
        var options = SimulatorOptions.Parse(["--tags", "4", "--duration", "2d", "--seed", "3", "--workers", "2"]);
        var sim = new Fleet.FleetSimulation(options, new Uplink.LoopbackTransport(), SimRuns.Start, recordManifest: true);
        sim.Run(CancellationToken.None);
        FleetManifest manifest = sim.BuildManifest();
        Assert.All(manifest.Tags, t => Assert.True(t.Rejected == 0, t.LastRejection));
        Assert.True(manifest.ReadingCount > 4 * 500);
        var stream = new MemoryStream();
        manifest.Write(stream);
        FleetManifest? back = FleetManifest.Parse(stream.ToArray(), out string? error);
        Assert.True(back is not null, error);
        Assert.Equal(manifest.Tags.SelectMany(t => t.Readings), back.Tags.SelectMany(t => t.Readings));
        Assert.Equal(manifest.Tags.SelectMany(t => t.Events), back.Tags.SelectMany(t => t.Events));
    }

    [Fact]
    public void A_t_est_batch_is_recorded_as_estimated_and_reads_back_from_the_manifest_file()
    {
        var tag = new TagManifest("f", "c", "t");
        Assert.Null(tag.Record("f/c/t/telemetry",
            "{\"boot\":2,\"seq\":0,\"t0\":5,\"t_est\":true,\"r\":[[0,1,1,1,1],[9,1,1,1,1]]}"u8.ToArray()));
        Assert.Null(tag.Record("f/c/t/telemetry", "{\"boot\":3,\"seq\":0,\"a0\":7,\"r\":[[0,1,1,1,1]]}"u8.ToArray()));
        Assert.Equal([true, true, false], tag.Readings.Select(r => r.Estimated));
        Assert.Equal([5L, 14L, null], tag.Readings.Select(r => r.TimeMs));

        var stream = new MemoryStream();
        new FleetManifest { Tags = [tag] }.Write(stream);
        FleetManifest? back = FleetManifest.Parse(stream.ToArray(), out string? error);
        Assert.True(back is not null, error);
        Assert.Equal(tag.Readings, back.Tags[0].Readings);
        Assert.Equal("readings[][7]: expected true or false",
            Reason("{\"seed\":1,\"start_ms\":0,\"end_ms\":0,\"tags\":[{\"fleet\":\"f\",\"container\":\"c\",\"tag\":\"t\","
                + "\"readings\":[[1,0,5,1,1,1,1,1]],\"events\":[]}]}"));
    }

    [Fact]
    public void A_telemetry_payload_with_a_bad_last_row_records_none_of_its_rows()
    {
        var m = new TagManifest("f", "c", "t");
        Assert.Equal("r[][1]: expected a number or null",
            m.Record("f/c/t/telemetry", "{\"boot\":3,\"seq\":1,\"r\":[[0,1,1,1,1],[1,\"x\",1,1,1]]}"u8.ToArray()));
        Assert.Empty(m.Readings);
    }

    [Fact]
    public void A_manifest_file_that_is_not_one_is_an_invalid_data_exception_naming_the_field()
    {
        string path = Path.Combine(Path.GetTempPath(), "manifest-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            // KeyNotFoundException from GetProperty used to escape
            File.WriteAllText(path, "{\"seed\":1,\"start_ms\":0,\"end_ms\":0,\"tags\":[{\"fleet\":\"f\",\"container\":\"c\",\"tag\":\"t\",\"readings\":[]}]}");
            var e = Assert.Throws<InvalidDataException>(() => FleetManifest.Read(path));
            Assert.EndsWith("events: missing", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal("seed: out of range", Reason("{\"seed\":4294967296,\"start_ms\":0,\"end_ms\":0,\"tags\":[]}"));
        Assert.StartsWith("not JSON:", Reason(new string('[', 100) + new string(']', 100)), StringComparison.Ordinal);
    }

    private static string? Reason(string json)
    {
        Assert.Null(FleetManifest.Parse(Encoding.UTF8.GetBytes(json), out string? error));
        return error;
    }
}
