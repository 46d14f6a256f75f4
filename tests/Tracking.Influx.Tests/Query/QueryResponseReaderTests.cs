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
