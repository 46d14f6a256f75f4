using System.Net;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Tests.Writing;

/// <summary>
/// What a write whose lines were all written reports and costs (issue 11): every line's outcome with its item id, made
/// when asked, not an outcome per line made for every write (the gateway's writer reads only the counts).
/// </summary>
public class WriteResultTests
{
    [Fact]
    public async Task A_written_batch_reports_each_line_with_its_item_id_after_the_buffer_is_reused()
    {
        using var writer = new InfluxWriter(new InfluxOptions { Database = "db", Compression = InfluxCompression.None }, new HttpClient(new NoContent()));
        using LineProtocolBuffer lines = writer.CreateBuffer();
        long[][] idSets = [[100, 101, 102, 103], [7, 7, 7, 9, 8], [42], []];
        var results = new List<WriteResult>();
        foreach (long[] ids in idSets)
        {
            lines.Clear();
            foreach (long id in ids) lines.BeginLine("env", id).FloatField("t", 1.5).End(DateTimeOffset.FromUnixTimeSeconds(1_718_100_000));
            results.Add(await writer.WriteAsync(lines));
        }

        lines.Clear(); // the buffer reused: the results keep what they report
        for (int r = 0; r < idSets.Length; r++)
        {
            Assert.Equal(idSets[r].Length, results[r].WrittenCount);
            Assert.True(results[r].IsSettled);
            Assert.Equal(idSets[r], results[r].Lines.Select(l => l.ItemId));
            Assert.Equal(Enumerable.Range(0, idSets[r].Length), results[r].Lines.Select(l => l.Index));
            Assert.All(results[r].Lines, l => Assert.Equal((LineWriteStatus.Written, (string?)null), (l.Status, l.Error)));
            Assert.Empty(results[r].Rejected);
            Assert.Empty(results[r].Failed);
        }
        Assert.Equal(102, results[0].Lines[2].ItemId);
        Assert.Throws<ArgumentOutOfRangeException>(() => results[0].Lines[4]);
    }

    [Fact]
    public void A_written_line_costs_no_outcome_of_its_own()
    {
        using var writer = new InfluxWriter(new InfluxOptions { Database = "db", Compression = InfluxCompression.None }, new HttpClient(new NoContent()));
        using LineProtocolBuffer small = Lines(writer, 100), large = Lines(writer, 2_100);
        Write(writer, small);
        Write(writer, large);

        long smallBytes = Write(writer, small), largeBytes = Write(writer, large);

        double perLine = (largeBytes - smallBytes) / 2_000.0;
        // An outcome per line was 24 B (LineOutcome[]); consecutive item ids (the gateway's records) need none.
        Assert.True(perLine < 4, $"{perLine:0.0} B allocated per written line ({smallBytes} B for 100 lines, {largeBytes} B for 2,100)");
    }

    private static LineProtocolBuffer Lines(InfluxWriter writer, int count)
    {
        LineProtocolBuffer lines = writer.CreateBuffer(count * 64);
        for (int i = 0; i < count; i++) lines.BeginLine("env", 1_000 + i).FloatField("t", 1.5).End(DateTimeOffset.FromUnixTimeSeconds(1_718_100_000 + i));
        return lines;
    }

    /// <summary>Bytes this thread allocated for one write; the handler answers at once, so the write completes here.</summary>
    private static long Write(InfluxWriter writer, LineProtocolBuffer lines)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Task<WriteResult> write = writer.WriteAsync(lines);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(write.IsCompletedSuccessfully, "the write must complete on this thread, or the figure misses part of it");
        Assert.Equal(lines.LineCount, write.Result.WrittenCount);
        return allocated;
    }

    /// <summary>Answers 204 at once without reading the body: what the write itself allocates, not a server's work.</summary>
    private sealed class NoContent : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request });
    }
}
