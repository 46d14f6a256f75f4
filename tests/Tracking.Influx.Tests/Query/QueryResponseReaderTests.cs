using System.Text;
using Tracking.Influx.Query;

namespace Tracking.Influx.Tests.Query;

public class QueryResponseReaderTests
{
    private static Task<InfluxQueryResult> Read(string json) =>
        QueryResponseReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    [Fact]
    public async Task A_plain_response_with_tags_and_typed_cells()
    {
        InfluxQueryResult result = await Read("""
            {"results":[{"statement_id":0,"series":[
              {"name":"env","tags":{"container":"MSKU1234565"},"columns":["time","temp","n","ok","note"],
               "values":[[1718100000000,21.5,3,true,"a"],[1718100060000,-0.25,4,false,null]]},
              {"name":"env","tags":{"container":"TGHU7654321"},"columns":["time","temp","n","ok","note"],"values":[[1718100000000,1e21,0,true,""]]}]}]}
            """);

        InfluxStatementResult statement = Assert.Single(result.Statements);
        Assert.Equal(2, statement.Series.Count);
        InfluxSeries first = statement.Series[0];
        Assert.Equal("env", first.Name);
        Assert.Equal("MSKU1234565", first.Tags["container"]);
        Assert.Equal([1718100000000L, 1718100060000L], first.Column("time"));
        Assert.Equal([21.5, -0.25], first.Column("temp"));
        Assert.Equal([3L, 4L], first.Column("n"));
        Assert.Equal([true, false], first.Column("ok"));
        Assert.Equal(["a", null], first.Column("note"));
        Assert.Equal(1e21, statement.Series[1].Values[0][1]);
        Assert.Equal(-1, first.ColumnIndex("missing"));
    }

    [Fact]
    public async Task Chunked_pieces_of_a_series_are_merged_and_statements_kept_apart()
    {
        const string stream =
            """{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"t":"a"},"columns":["time","v"],"values":[[1,1],[2,2]],"partial":true}],"partial":true}]}""" + "\n" +
            """{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"t":"a"},"columns":["time","v"],"values":[[3,3]]}],"partial":true}]}""" + "\n" +
            """{"results":[{"statement_id":0,"series":[{"name":"m","tags":{"t":"b"},"columns":["time","v"],"values":[[1,10]]}]}]}""" + "\n" +
            """{"results":[{"statement_id":1,"series":[{"name":"measurements","columns":["name"],"values":[["m"]]}]}]}""" + "\n";

        InfluxQueryResult result = await Read(stream);

        Assert.Equal([0, 1], result.Statements.Select(s => s.StatementId));
        InfluxSeries a = result.Statements[0].Series[0];
        Assert.Equal([1L, 2L, 3L], a.Column("time"));
        Assert.Equal("b", result.Statements[0].Series[1].Tags["t"]);
        Assert.Equal("m", result.Statements[1].Series[0].Values[0][0]);
        Assert.Equal(3, result.Series.Count());
    }

    [Fact]
    public async Task Statement_without_series_is_an_empty_result()
    {
        InfluxQueryResult result = await Read("""{"results":[{"statement_id":0}]}""");
        Assert.Empty(Assert.Single(result.Statements).Series);
    }

    [Fact]
    public async Task Errors_are_thrown_with_the_server_message()
    {
        var statement = await Assert.ThrowsAsync<InfluxQueryException>(() => Read("""{"results":[{"statement_id":0,"error":"database not found: nope"}]}"""));
        Assert.Contains("database not found: nope", statement.Message);
        Assert.Equal(0, statement.StatementId);

        var whole = await Assert.ThrowsAsync<InfluxQueryException>(() => Read("""{"error":"error parsing query: found EOF"}"""));
        Assert.Contains("found EOF", whole.Message);
    }

    [Fact]
    public async Task A_history_far_larger_than_the_first_buffer_arriving_in_small_reads_is_read_whole_in_chunks_or_not()
    {
        // 30 days every 5 min, 7 columns: about 600 KiB, ten times the reader's first buffer.
        const int Rows = 8640;
        static string Row(int i) =>
            $"[{1_700_000_000_000L + (i * 300_000L)},{((i % 97) * 0.25) - 5},{50 + (i % 7)},{1013 + ((i % 3) * 0.5)},{i % 3},{i},{(i % 2 == 0 ? "true" : "false")}]";
        const string Head = """{"statement_id":0,"series":[{"name":"env","tags":{"tag":"tag1"},"columns":["time","temp_c","rh_pct","pressure_hpa","boot","seq","t_est"],"values":[""";
        string whole = """{"results":[""" + Head + string.Join(",", Enumerable.Range(0, Rows).Select(Row)) + "]}]}]}";
        string chunked = string.Concat(Enumerable.Range(0, 9).Select(c =>
            """{"results":[""" + Head + string.Join(",", Enumerable.Range(c * 1000, Math.Min(1000, Rows - (c * 1000))).Select(Row)) + "]"
            + (c < 8 ? ""","partial":true}],"partial":true}]}""" : "}]}]}") + "\n"));

        foreach (string response in new[] { whole, chunked })
        {
            InfluxQueryResult result = await QueryResponseReader.ReadAsync(
                new Support.ChoppedStream(Encoding.UTF8.GetBytes(response), 1500, seed: 7), CancellationToken.None);
            InfluxSeries s = Assert.Single(Assert.Single(result.Statements).Series);
            Assert.Equal(Rows, s.RowCount);
            for (int i = 0; i < Rows; i += 997)
            {
                Assert.Equal(1_700_000_000_000L + (i * 300_000L), s.Long(i, 0));
                Assert.Equal(((i % 97) * 0.25) - 5, s.Double(i, 1));
                Assert.Equal(i, s.Long(i, s.ColumnIndex("seq")));
                Assert.Equal(i % 2 == 0, s.Bool(i, 6));
            }
        }
    }

    [Fact]
    public async Task Typed_columns_take_far_less_than_a_box_per_cell()
    {
        // Bytes, not time: 8,640 rows of 7 numbers. A box per cell was 24 bytes, each row's array 80 more, and the
        // document of each chunk about 12 bytes per value on top.
        string json = """{"results":[{"statement_id":0,"series":[{"name":"env","columns":["time","a","b","c","d","e","f"],"values":["""
            + string.Join(",", Enumerable.Range(0, 8640).Select(i => $"[{1_700_000_000_000L + i},{i * 0.5},{i},{i * 0.25},{i},{i},{i * 1.5}]")) + "]}]}]}";
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        await QueryResponseReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None); // warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        InfluxQueryResult result = await QueryResponseReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(8640, Assert.Single(result.Series).RowCount);
        double perCell = allocated / (8640.0 * 7);
        Assert.True(perCell < 24, $"{perCell:F1} B allocated per cell");
    }

    [Theory]
    [InlineData("""{"results":[{"statement_id":0,"series":[{"name":"m","columns":["v"],"values":[[1e400]]}]}]}""", "beyond a double")]
    [InlineData("""{"results":[{"statement_id":0,"series":[{"name":"m","columns":["v"],"values":[[1],[2""", "Malformed")]
    [InlineData("""{"results":[{"statement_id":0,"series":[{"name":"m","columns":["v"],"values":[5]}]}]}""", "a row is Number")]
    [InlineData("""{"results":[{"statement_id":0,"series":[{"name":7}]}]}""", "a series name is Number")]
    [InlineData("""[1,2]""", "Unexpected query response element")]
    [InlineData("""{"results":[]} x""", "Malformed")]
    public async Task Bytes_that_are_no_query_response_are_a_query_exception(string body, string message)
    {
        var ex = await Assert.ThrowsAsync<InfluxQueryException>(() => Read(body));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("SELECT * FROM m", true)]
    [InlineData("  show measurements ; select v from m", true)]
    [InlineData("SELECT * INTO m2 FROM m", false)]
    [InlineData("CREATE DATABASE x", false)]
    [InlineData("SELECT * FROM m; DROP MEASUREMENT m", false)]
    public void Read_only_detection_picks_the_method(string q, bool readOnly)
    {
        Assert.Equal(readOnly, InfluxQueryClient.IsReadOnly(q));
    }
}
