using System.Web;
using Tracking.Influx.Query;
using Tracking.Influx.Tests.Support;

namespace Tracking.Influx.Tests.Query;

public class InfluxQueryClientTests
{
    private const string OneSeries = """{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[1,2.5]]}]}]}""";

    [Fact]
    public async Task Select_goes_as_GET_with_db_epoch_and_chunking()
    {
        await using var server = LoopbackHttpServer.Start(_ => new CannedResponse(200, OneSeries));
        using var client = new InfluxQueryClient(new InfluxOptions { Url = server.Url, Database = "tracking", Username = "u", Password = "p" });

        InfluxQueryResult result = await client.QueryAsync("SELECT v FROM m WHERE id = 'a b'", chunked: true, chunkSize: 500);

        Assert.Equal(2.5, Assert.Single(result.Series).Values[0][1]);
        RecordedRequest r = Assert.Single(server.Requests);
        Assert.Equal("GET", r.Method);
        Assert.Equal("/query", r.Path);
        Assert.Equal("tracking", r.Query("db"));
        Assert.Equal("ms", r.Query("epoch"));
        Assert.Equal("true", r.Query("chunked"));
        Assert.Equal("500", r.Query("chunk_size"));
        Assert.Equal("SELECT v FROM m WHERE id = 'a b'", r.Query("q"));
        Assert.StartsWith("Basic ", r.Header("Authorization"));
    }

    [Fact]
    public async Task Other_statements_go_as_POST_form()
    {
        await using var server = LoopbackHttpServer.Start(_ => new CannedResponse(200, """{"results":[{"statement_id":0}]}"""));
        using var client = new InfluxQueryClient(new InfluxOptions
        {
            Url = server.Url, ApiVersion = InfluxApiVersion.V2, Organization = "o", Bucket = "b", Token = "tok",
        });

        await client.QueryAsync("DROP MEASUREMENT \"x\"", database: "other");

        RecordedRequest r = Assert.Single(server.Requests);
        Assert.Equal("POST", r.Method);
        Assert.Equal("other", r.Query("db"));
        Assert.Equal("DROP MEASUREMENT \"x\"", HttpUtility.ParseQueryString(r.Body)["q"]);
        Assert.Equal("Token tok", r.Header("Authorization"));
    }

    [Fact]
    public async Task Query_string_credentials_go_in_the_url()
    {
        await using var server = LoopbackHttpServer.Start(_ => new CannedResponse(200, OneSeries));
        using var client = new InfluxQueryClient(new InfluxOptions
        {
            Url = server.Url, Database = "db", Username = "reader", Password = "p&w", CredentialsMode = InfluxCredentialsMode.QueryString,
        });

        await client.QueryAsync("SHOW DATABASES");

        RecordedRequest r = Assert.Single(server.Requests);
        Assert.Equal("reader", r.Query("u"));
        Assert.Equal("p&w", r.Query("p"));
        Assert.Null(r.Header("Authorization"));
    }

    [Fact]
    public async Task Http_errors_carry_status_and_server_message()
    {
        await using var server = LoopbackHttpServer.Start(_ => new CannedResponse(400, """{"error":"error parsing query: found FROM"}"""));
        using var client = new InfluxQueryClient(new InfluxOptions { Url = server.Url, Database = "db" });

        var ex = await Assert.ThrowsAsync<InfluxQueryException>(() => client.QueryAsync("SELECT FROM"));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("found FROM", ex.Message);
    }
}
