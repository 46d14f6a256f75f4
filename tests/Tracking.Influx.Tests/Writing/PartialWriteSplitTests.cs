using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Tests.Writing;

public class PartialWriteSplitTests
{
    private static InfluxOptions Options() => new() { Database = "db", Compression = InfluxCompression.None };

    private static LineProtocolBuffer Lines(InfluxWriter writer, int count, ISet<int> bad)
    {
        LineProtocolBuffer buffer = writer.CreateBuffer();
        for (int i = 0; i < count; i++)
        {
            buffer.BeginLine(bad.Contains(i) ? "bad" : "good", itemId: 500 + i).Tag("id", $"c{i}").FloatField("v", i).End(i);
        }

        return buffer;
    }

    [Theory]
    [InlineData(100, new[] { 3, 50, 51, 99 })]
    [InlineData(1, new[] { 0 })]
    [InlineData(7, new int[0])]
    [InlineData(33, new[] { 0, 32 })]
    public async Task Exactly_the_refused_lines_are_dead_lettered_and_every_good_line_is_stored(int count, int[] badIndexes)
    {
        var bad = new HashSet<int>(badIndexes);
        var influx = new SimulatedInflux1(line => line.StartsWith("bad,", StringComparison.Ordinal));
        var handler = new FakeHttpHandler(influx.Handle);
        var sink = new RecordingDeadLetterSink();
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), sink);
        using LineProtocolBuffer lines = Lines(writer, count, bad);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.True(result.IsSettled);
        Assert.Equal(count - bad.Count, result.WrittenCount);
        Assert.Equal(badIndexes, result.Rejected.Select(l => l.Index));
        Assert.Equal(badIndexes.Select(i => 500L + i), result.Rejected.Select(l => l.ItemId));
        Assert.All(result.Rejected, l => Assert.Contains("partial write: field type conflict in 'bad,id=c", l.Error));
        Assert.All(result.Lines.Where(l => l.Status == LineWriteStatus.Written), l => Assert.DoesNotContain(l.Index, bad));

        var expectedGood = Enumerable.Range(0, count).Where(i => !bad.Contains(i)).Select(i => $"good,id=c{i} v={i} {i}").ToHashSet();
        Assert.Equal(expectedGood, influx.Stored.Keys.ToHashSet());

        Assert.Equal(badIndexes.Select(i => $"bad,id=c{i} v={i} {i}"), sink.Letters.Select(l => l.Line));
        Assert.All(sink.Letters, l => Assert.Equal(400, l.StatusCode));
        Assert.Equal(badIndexes.Select(i => 500L + i), sink.Letters.Select(l => l.ItemId));
        Assert.True(handler.Requests.Count <= 2 * count - 1);
        Assert.Equal(bad.Count, writer.Metrics.LinesRejected);
    }

    [Fact]
    public async Task All_bad_lines_cost_at_most_two_requests_per_line()
    {
        var handler = new FakeHttpHandler(_ => new CannedResponse(400, """{"error":"unable to parse"}"""));
        var sink = new RecordingDeadLetterSink();
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), sink);
        using LineProtocolBuffer lines = Lines(writer, 8, Enumerable.Range(0, 8).ToHashSet());

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(8, result.RejectedCount);
        Assert.Equal(15, handler.Requests.Count);
        Assert.Equal(8, sink.Letters.Count);
    }

    [Fact]
    public async Task A_single_line_too_large_is_rejected_with_413()
    {
        var handler = new FakeHttpHandler(r => r.Lines.Any(l => l.Length > 1000) ? new CannedResponse(413, "request entity too large") : CannedResponse.NoContent);
        using var writer = new InfluxWriter(Options(), handler.CreateClient());
        using LineProtocolBuffer lines = writer.CreateBuffer();
        lines.BeginLine("m", 1).FloatField("v", 1).End(1);
        lines.BeginLine("m", 2).StringField("s", new string('x', 5000)).End(2);
        lines.BeginLine("m", 3).FloatField("v", 3).End(3);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal([LineWriteStatus.Written, LineWriteStatus.Rejected, LineWriteStatus.Written], result.Lines.Select(l => l.Status));
        Assert.Equal("request entity too large", result.Lines[1].Error);
    }

    [Fact]
    public async Task InfluxDB3_partial_write_details_become_the_message()
    {
        const string body = """{"error":"partial write of line protocol occurred","data":[{"original_line":"m v=\"x\" 1","line_number":1,"error_message":"invalid column type for column 'v', expected iox::column_type::field::float"}]}""";
        var handler = new FakeHttpHandler(_ => new CannedResponse(400, body));
        using var writer = new InfluxWriter(new InfluxOptions { ApiVersion = InfluxApiVersion.V3, Database = "db", Compression = InfluxCompression.None }, handler.CreateClient());
        using LineProtocolBuffer lines = writer.CreateBuffer();
        lines.BeginLine("m").StringField("v", "x").End(1);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal("partial write of line protocol occurred; invalid column type for column 'v', expected iox::column_type::field::float", result.Lines[0].Error);
    }

    [Fact]
    public async Task A_failing_dead_letter_sink_fails_the_write()
    {
        var handler = new FakeHttpHandler(_ => new CannedResponse(400, """{"error":"bad"}"""));
        var sink = new RecordingDeadLetterSink { FailWith = new IOException("disk full") };
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), sink);
        using LineProtocolBuffer lines = writer.CreateBuffer();
        lines.BeginLine("m").FloatField("v", 1).End(1);

        var ex = await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync(lines));
        Assert.Equal("disk full", ex.Message);
        Assert.Equal(0, writer.Metrics.LinesRejected);
    }
}
