using Tracking.Influx.LineProtocol;
using Tracking.Influx.Query;
using Tracking.Influx.Tests.Support;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Influx.Tests.RealServer;

/// <summary>Writes against a real influxd 1.6 and reads back what it stored.</summary>
public class InfluxdWriteTests(InfluxdFixture fixture) : IClassFixture<InfluxdFixture>
{
    private InfluxdServer Server => fixture.Server;

    [Fact]
    public async Task Typed_fields_and_tags_are_stored_exactly()
    {
        using RealInflux influx = await RealInflux.CreateAsync(Server, o => o.Compression = InfluxCompression.Gzip);
        var random = new Random(7);
        double[] floats = new double[200];
        using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
        long t0 = 1718100000000;
        for (int i = 0; i < floats.Length; i++)
        {
            floats[i] = i switch
            {
                0 => double.MaxValue,
                1 => double.Epsilon,
                2 => -0.0,
                3 => 0.1 + 0.2,
                _ => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : i / 3.0,
            };
            lines.BeginLine("env", i).Tag("container", "MSKU" + (i % 3)).Tag("site", "Rotterdam Pier 7")
                .FloatField("v", floats[i]).IntegerField("n", long.MinValue + i).BooleanField("door", i % 2 == 0).StringField("note", $"n°{i} \"ok\" C:\\x")
                .End(t0 + i);
        }

        WriteResult result = await influx.Writer.WriteAsync(lines);
        Assert.Equal(floats.Length, result.WrittenCount);

        InfluxQueryResult stored = await influx.Query.QueryAsync("SELECT v, n, door, note, container, site FROM env");
        InfluxSeries series = Assert.Single(stored.Series);
        Assert.Equal(floats.Length, series.Values.Count);
        for (int i = 0; i < floats.Length; i++)
        {
            object?[] row = series.Values[i];
            Assert.Equal(t0 + i, row[0]);
            double v = row[1] is long l ? l : (double)row[1]!;
            Assert.True(BitConverter.DoubleToInt64Bits(floats[i]) == BitConverter.DoubleToInt64Bits(v) || (floats[i] == 0 && v == 0),
                $"row {i}: wrote {floats[i]:R}, read {v:R}");
            Assert.Equal(long.MinValue + i, row[2]);
            Assert.Equal(i % 2 == 0, row[3]);
            Assert.Equal($"n°{i} \"ok\" C:\\x", row[4]);
            Assert.Equal("MSKU" + (i % 3), row[5]);
            Assert.Equal("Rotterdam Pier 7", row[6]);
        }
    }

    [Fact]
    public async Task Hostile_identifiers_are_stored_intact_with_no_extra_series_or_fields()
    {
        using RealInflux influx = await RealInflux.CreateAsync(Server);
        var random = new Random(1234);
        var measurements = new HashSet<string>(StringComparer.Ordinal);
        var cases = new List<(string M, string K, string V, string F, string S)>();
        while (cases.Count < 150)
        {
            string m = HostileStrings.NextEncodableIdentifier(random);
            string k = HostileStrings.NextEncodableIdentifier(random);
            string f = HostileStrings.NextEncodableIdentifier(random);
            if (k == f || k == "idx" || f == "idx" || !measurements.Add(m))
            {
                continue;
            }

            string s = HostileStrings.Next(random, allowLoneSurrogate: false).Replace("\n", "").Replace("\r", "");
            s = new string(s.Where(c => !char.IsControl(c)).ToArray()) + "\\\"\\";
            cases.Add((m, k, HostileStrings.NextEncodableIdentifier(random), f, s));
        }

        using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            lines.BeginLine(c.M, i).Tag(c.K, c.V).Tag("idx", i.ToString()).StringField(c.F, c.S).End(1000 + i);
        }

        WriteResult result = await influx.Writer.WriteAsync(lines);
        Assert.Equal(cases.Count, result.WrittenCount);

        InfluxQueryResult stored = await influx.Query.QueryAsync("SELECT * FROM /.*/ GROUP BY *");
        var series = stored.Series.ToList();
        Assert.Equal(cases.Count, series.Count);
        foreach (InfluxSeries s in series)
        {
            int i = int.Parse(s.Tags["idx"]);
            var c = cases[i];
            Assert.Equal(c.M, s.Name);
            // GROUP BY * over several measurements lists every tag key and field of the query, unset ones empty/null.
            Assert.Equal(2, s.Tags.Count(t => t.Value.Length > 0));
            Assert.Equal(c.V, s.Tags[c.K]);
            object?[] row = Assert.Single(s.Values);
            Assert.Equal(1000L + i, row[0]);
            int field = s.ColumnIndex(c.F);
            Assert.True(field > 0, $"no column {c.F}");
            Assert.Equal(c.S, row[field]);
            Assert.Equal(1, row.Skip(1).Count(cell => cell is not null));
        }
    }

    [Fact]
    public async Task Partial_write_stores_the_good_lines_and_dead_letters_the_bad_with_the_server_message()
    {
        var sink = new RecordingDeadLetterSink();
        using RealInflux influx = await RealInflux.CreateAsync(Server, sink: sink);
        using (LineProtocolBuffer first = influx.Writer.CreateBuffer())
        {
            first.BeginLine("env").Tag("id", "seed").FloatField("v", 1.5).End(1);
            Assert.Equal(1, (await influx.Writer.WriteAsync(first)).WrittenCount);
        }

        using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
        for (int i = 0; i < 20; i++)
        {
            LineBuilder line = lines.BeginLine("env", 100 + i).Tag("id", "c" + i);
            line = i switch
            {
                4 => line.StringField("v", "not a number"),
                11 => line.BooleanField("v", true),
                _ => line.FloatField("v", i),
            };
            line.End(1000 + i);
        }

        WriteResult result = await influx.Writer.WriteAsync(lines);

        Assert.Equal(18, result.WrittenCount);
        Assert.Equal([104L, 111L], result.Rejected.Select(l => l.ItemId));
        Assert.All(result.Rejected, l => Assert.Contains("field type conflict", l.Error));
        Assert.Equal(["env,id=c4 v=\"not a number\" 1004", "env,id=c11 v=true 1011"], sink.Letters.Select(l => l.Line));
        Assert.All(sink.Letters, l => Assert.Equal(400, l.StatusCode));
        Assert.All(sink.Letters, l => Assert.Contains("partial write", l.Error));
        Assert.Equal(19, await influx.CountAsync("env"));
        Assert.Equal(2, influx.Writer.Metrics.LinesRejected);
    }

    [Fact]
    public async Task Writing_the_same_points_again_keeps_one_point_each()
    {
        using RealInflux influx = await RealInflux.CreateAsync(Server);
        for (int round = 0; round < 3; round++)
        {
            using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
            for (int i = 0; i < 10; i++)
            {
                lines.BeginLine("env", i).Tag("id", "c" + (i % 2)).FloatField("v", i).End(1718100000000 + i);
            }

            Assert.Equal(10, (await influx.Writer.WriteAsync(lines)).WrittenCount);
        }

        Assert.Equal(10, await influx.CountAsync("env"));
        InfluxQueryResult series = await influx.Query.QueryAsync("SHOW SERIES FROM env");
        Assert.Equal(2, Assert.Single(series.Series).Values.Count);
    }

    [Theory]
    [InlineData(WritePrecision.Seconds)]
    [InlineData(WritePrecision.Milliseconds)]
    [InlineData(WritePrecision.Microseconds)]
    [InlineData(WritePrecision.Nanoseconds)]
    public async Task Timestamps_land_at_the_right_time_in_every_precision(WritePrecision precision)
    {
        using RealInflux influx = await RealInflux.CreateAsync(Server, o => o.Precision = precision);
        var time = new DateTimeOffset(2024, 6, 11, 12, 30, 15, 250, TimeSpan.Zero);
        using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
        lines.BeginLine("env").FloatField("v", 1).End(time);
        Assert.Equal(1, (await influx.Writer.WriteAsync(lines)).WrittenCount);

        InfluxSeries series = Assert.Single((await influx.Query.QueryAsync("SELECT v FROM env")).Series);
        long expected = precision == WritePrecision.Seconds ? time.ToUnixTimeSeconds() * 1000 : time.ToUnixTimeMilliseconds();
        Assert.Equal(expected, series.Values[0][0]);
    }

    [Fact]
    public async Task Chunked_query_streams_and_merges_a_large_series()
    {
        using RealInflux influx = await RealInflux.CreateAsync(Server);
        using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
        for (int i = 0; i < 95; i++)
        {
            lines.BeginLine("env").Tag("id", "a").FloatField("v", i).End(1000 + i);
            lines.BeginLine("env").Tag("id", "b").FloatField("v", -i).End(1000 + i);
        }

        await influx.Writer.WriteAsync(lines);

        InfluxQueryResult result = await influx.Query.QueryAsync("SELECT v FROM env GROUP BY id; SHOW MEASUREMENTS", chunked: true, chunkSize: 10);

        Assert.Equal(2, result.Statements.Count);
        var bySeries = result.Statements[0].Series;
        Assert.Equal(["a", "b"], bySeries.Select(s => s.Tags["id"]));
        Assert.Equal(Enumerable.Range(1000, 95).Select(i => (object?)(long)i), bySeries[0].Column("time"));
        Assert.Equal(Enumerable.Range(0, 95).Select(i => (double)-i), bySeries[1].Column("v").Select(Convert.ToDouble));
        Assert.Equal("env", result.Statements[1].Series[0].Values[0][0]);
    }

    [Fact]
    public async Task Buffers_written_one_after_another_as_the_gateway_does_report_every_item_id()
    {
        // The gateway's WriterStage fills one buffer per batch of spooled records and awaits WriteAsync before the next.
        using RealInflux influx = await RealInflux.CreateAsync(Server, o => o.Compression = InfluxCompression.Gzip);
        var acknowledged = new List<long>();
        for (int first = 0; first < 1050; first += 100)
        {
            using LineProtocolBuffer lines = influx.Writer.CreateBuffer();
            for (int i = first; i < Math.Min(first + 100, 1050); i++)
            {
                lines.BeginLine("env", i).Tag("id", "c" + (i % 7)).FloatField("v", i).End(1718100000000 + i);
            }

            WriteResult result = await influx.Writer.WriteAsync(lines);
            Assert.True(result.IsSettled);
            acknowledged.AddRange(result.Lines.Where(l => l.Status == LineWriteStatus.Written).Select(l => l.ItemId));
        }

        Assert.Equal(Enumerable.Range(0, 1050).Select(i => (long)i), acknowledged.OrderBy(x => x));
        Assert.Equal(1050, await influx.CountAsync("env"));
    }
}
