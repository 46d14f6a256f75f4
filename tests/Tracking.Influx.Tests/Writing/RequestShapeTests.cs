using System.Text;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Influx.Tests.Writing;

/// <summary>Each API version's request, checked by a real HTTP listener on 127.0.0.1.</summary>
public class RequestShapeTests
{
    private static async Task<RecordedRequest> WriteOneBatchAsync(InfluxOptions options, int lineCount = 2)
    {
        await using var server = LoopbackHttpServer.Start(_ => CannedResponse.NoContent);
        options.Url = new Uri(server.Url, options.Url.AbsolutePath.TrimStart('/'));
        using var writer = new InfluxWriter(options);
        using LineProtocolBuffer lines = writer.CreateBuffer();
        for (int i = 0; i < lineCount; i++)
        {
            lines.BeginLine("env", i).Tag("tag", "T-" + i).FloatField("temp", 21.5).End(DateTimeOffset.FromUnixTimeSeconds(1718100000 + i));
        }

        WriteResult result = await writer.WriteAsync(lines);
        Assert.Equal(lineCount, result.WrittenCount);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(Encoding.UTF8.GetString(lines.WrittenMemory.Span), request.Body);
        Assert.StartsWith("text/plain", request.Header("Content-Type"));
        return request;
    }

    [Fact]
    public async Task V1_write_with_basic_auth()
    {
        RecordedRequest r = await WriteOneBatchAsync(new InfluxOptions
        {
            Database = "tracking db", RetentionPolicy = "autogen", Username = "gw", Password = "p@ss:word", Compression = InfluxCompression.None,
        });

        Assert.Equal("/write", r.Path);
        Assert.Equal("tracking db", r.Query("db"));
        Assert.Equal("autogen", r.Query("rp"));
        Assert.Equal("ms", r.Query("precision"));
        Assert.DoesNotContain("u", r.QueryNames);
        Assert.DoesNotContain("p", r.QueryNames);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("gw:p@ss:word")), r.Header("Authorization"));
        Assert.False(r.Gzipped);
    }

    [Fact]
    public async Task V1_write_with_query_string_credentials_and_no_rp()
    {
        RecordedRequest r = await WriteOneBatchAsync(new InfluxOptions
        {
            Database = "db", Username = "gw", Password = "a&b=c", CredentialsMode = InfluxCredentialsMode.QueryString,
            Precision = WritePrecision.Microseconds, Compression = InfluxCompression.None,
        });

        Assert.Equal("/write", r.Path);
        Assert.Equal("gw", r.Query("u"));
        Assert.Equal("a&b=c", r.Query("p"));
        Assert.Equal("u", r.Query("precision"));
        Assert.DoesNotContain("rp", r.QueryNames);
        Assert.Null(r.Header("Authorization"));
    }

    [Fact]
    public async Task V2_write_with_token()
    {
        RecordedRequest r = await WriteOneBatchAsync(new InfluxOptions
        {
            ApiVersion = InfluxApiVersion.V2, Organization = "acme", Bucket = "tracking/autogen", Token = "s3cr3t==",
            Precision = WritePrecision.Nanoseconds, Compression = InfluxCompression.None,
        });

        Assert.Equal("/api/v2/write", r.Path);
        Assert.Equal("acme", r.Query("org"));
        Assert.Equal("tracking/autogen", r.Query("bucket"));
        Assert.Equal("ns", r.Query("precision"));
        Assert.Equal("Token s3cr3t==", r.Header("Authorization"));
    }

    [Theory]
    [InlineData(WritePrecision.Seconds, "second")]
    [InlineData(WritePrecision.Milliseconds, "millisecond")]
    [InlineData(WritePrecision.Microseconds, "microsecond")]
    [InlineData(WritePrecision.Nanoseconds, "nanosecond")]
    public async Task V3_write_lp_with_bearer_token(WritePrecision precision, string expected)
    {
        RecordedRequest r = await WriteOneBatchAsync(new InfluxOptions
        {
            ApiVersion = InfluxApiVersion.V3, Database = "tracking", Token = "apiv3_tok", Precision = precision, Compression = InfluxCompression.None,
        });

        Assert.Equal("/api/v3/write_lp", r.Path);
        Assert.Equal("tracking", r.Query("db"));
        Assert.Equal(expected, r.Query("precision"));
        Assert.Equal("Bearer apiv3_tok", r.Header("Authorization"));
    }

    [Fact]
    public async Task Large_bodies_are_gzipped_small_ones_are_not()
    {
        RecordedRequest big = await WriteOneBatchAsync(new InfluxOptions { Database = "db", Compression = InfluxCompression.Gzip, GzipMinimumBytes = 1024 }, lineCount: 200);
        Assert.True(big.Gzipped);
        Assert.True(big.RawBody.Length < big.Body.Length / 3, "compressed body should be much smaller");
        Assert.Equal(200, big.Lines.Count);

        RecordedRequest small = await WriteOneBatchAsync(new InfluxOptions { Database = "db", Compression = InfluxCompression.Gzip, GzipMinimumBytes = 1024 }, lineCount: 1);
        Assert.False(small.Gzipped);
    }

    [Fact]
    public async Task Auto_compression_sends_plain_bodies_to_a_loopback_server()
    {
        RecordedRequest r = await WriteOneBatchAsync(new InfluxOptions { Database = "db" }, lineCount: 200);
        Assert.Equal(InfluxCompression.Auto, new InfluxOptions().Compression);
        Assert.False(r.Gzipped);
        Assert.Equal(200, r.Lines.Count);
    }

    [Theory]
    [InlineData("http://influx.example.net:8086/", InfluxCompression.Auto, true)]
    [InlineData("https://10.1.2.3:8086/", InfluxCompression.Auto, true)]
    [InlineData("http://127.0.0.1:8086/", InfluxCompression.Auto, false)]
    [InlineData("http://localhost:8086/", InfluxCompression.Auto, false)]
    [InlineData("http://[::1]:8086/", InfluxCompression.Auto, false)]
    [InlineData("http://127.0.0.1:8086/", InfluxCompression.Gzip, true)]
    [InlineData("http://influx.example.net:8086/", InfluxCompression.None, false)]
    public void Auto_compression_gzips_only_what_leaves_the_host(string url, InfluxCompression compression, bool gzip) =>
        Assert.Equal(gzip, new InfluxOptions { Url = new Uri(url), Compression = compression }.UsesGzip);

    [Fact]
    public async Task A_path_prefix_in_the_url_is_kept()
    {
        RecordedRequest r = await WriteOneBatchAsync(new InfluxOptions { Url = new Uri("http://x/influx/"), Database = "db", Compression = InfluxCompression.None });
        Assert.Equal("/influx/write", r.Path);
    }

    [Fact]
    public async Task Connection_refused_then_server_comes_up()
    {
        int port = FreePort.Get();
        LoopbackHttpServer? server = null;
        var clock = new InstantTimeProvider();
        clock.OnDelay = _ => server ??= LoopbackHttpServer.Start(_ => CannedResponse.NoContent, port);
        try
        {
            using var writer = new InfluxWriter(new InfluxOptions { Url = new Uri($"http://127.0.0.1:{port}/"), Database = "db" }, timeProvider: clock);
            using LineProtocolBuffer lines = writer.CreateBuffer();
            lines.BeginLine("m", 7).FloatField("v", 1).End(1);

            WriteResult result = await writer.WriteAsync(lines);

            Assert.Equal(LineWriteStatus.Written, result.Lines[0].Status);
            Assert.Equal(1, writer.Metrics.Retries);
            Assert.NotNull(server);
            Assert.Equal("m v=1 1\n", Assert.Single(server.Requests).Body);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData(InfluxApiVersion.V1, null, null, null, "Database")]
    [InlineData(InfluxApiVersion.V2, "org", "bucket", null, "Token")]
    [InlineData(InfluxApiVersion.V2, null, "bucket", "t", "Organization")]
    [InlineData(InfluxApiVersion.V3, null, null, "t", "Database")]
    public void Missing_settings_are_named(InfluxApiVersion api, string? org, string? bucket, string? token, string missing)
    {
        var options = new InfluxOptions { ApiVersion = api, Organization = org, Bucket = bucket, Token = token };
        var ex = Assert.Throws<ArgumentException>(() => new InfluxWriter(options));
        Assert.Contains(missing, ex.Message);
    }
}
