using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;
using Tracking.Influx.Writing;
using V2 = InfluxDB.Client;
using V3 = InfluxDB3.Client;

namespace Tracking.Influx.Tests.Oracles;

/// <summary>
/// Issue 10 section 5.2: our 2.x and 3.x write requests against the ones InfluxDB.Client 5.1.0 (WriteApiAsync) and
/// InfluxDB3.Client 1.10.0 (WritePointAsync, UseV2Api = false) send for the same points to the same loopback listener.
/// Equal: method, path, decoded query parameters, Authorization, Content-Type, Content-Encoding gzip, the lines.
/// Intentional differences, asserted so a change is noticed: ours sends no User-Agent or Accept (nothing reads them),
/// no <c>Content-Encoding: identity</c> (2.x client), ends the body with a newline (every line terminated, so bodies
/// concatenate), and escapes spaces in the query as %20 where the 3.x client uses '+' (both decode the same).
/// </summary>
public class ClientRequestShapeTests
{
    // In range in every precision (seconds included: 2024-06-11).
    private const long Time = 1_718_100_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task V2_write_matches_InfluxDB_Client(bool gzip)
    {
        await using var server = LoopbackHttpServer.Start(_ => CannedResponse.NoContent);
        await WriteOursAsync(server, new InfluxOptions
        {
            ApiVersion = InfluxApiVersion.V2, Organization = "or g", Bucket = "bk t", Token = "s3cr3t==",
            Compression = gzip ? InfluxCompression.Gzip : InfluxCompression.None, GzipMinimumBytes = 0,
        });
        using (var client = new V2.InfluxDBClient(server.Url.ToString(), "s3cr3t=="))
        {
            if (gzip)
            {
                client.EnableGzip();
            }

            await client.GetWriteApiAsync().WritePointsAsync(
                [.. Enumerable.Range(0, 2).Select(i => V2.Writes.PointData.Measurement("env").Tag("tag", "T-" + i).Field("temp", 21.5)
                    .Timestamp(Time + i, V2.Api.Domain.WritePrecision.Ms))],
                "bk t", "or g");
        }

        (RecordedRequest ours, RecordedRequest theirs) = Pair(server);
        AssertSameShape(ours, theirs, "org", "bucket", "precision");
        Assert.Equal("/api/v2/write", ours.Path);
        Assert.Equal("Token s3cr3t==", ours.Header("Authorization"));
        Assert.Equal(gzip ? "gzip" : "identity", theirs.Header("Content-Encoding"));
        Assert.Equal(gzip ? "gzip" : null, ours.Header("Content-Encoding"));
        Assert.StartsWith("influxdb-client-csharp/", theirs.Header("User-Agent"));
        Assert.Equal("application/json", theirs.Header("Accept"));
        Assert.Null(ours.Header("Accept"));
    }

    [Theory]
    [InlineData(WritePrecision.Milliseconds, false)]
    [InlineData(WritePrecision.Seconds, false)]
    [InlineData(WritePrecision.Microseconds, false)]
    [InlineData(WritePrecision.Nanoseconds, true)]
    public async Task V3_write_lp_matches_InfluxDB3_Client(WritePrecision precision, bool gzip)
    {
        await using var server = LoopbackHttpServer.Start(_ => CannedResponse.NoContent);
        await WriteOursAsync(server, new InfluxOptions
        {
            ApiVersion = InfluxApiVersion.V3, Database = "d b", Token = "apiv3_tok", Precision = precision,
            Compression = gzip ? InfluxCompression.Gzip : InfluxCompression.None, GzipMinimumBytes = 0,
        });
        V3.Write.WritePrecision theirPrecision = precision switch
        {
            WritePrecision.Nanoseconds => V3.Write.WritePrecision.Ns,
            WritePrecision.Microseconds => V3.Write.WritePrecision.Us,
            WritePrecision.Milliseconds => V3.Write.WritePrecision.Ms,
            _ => V3.Write.WritePrecision.S,
        };
        using (var client = new V3.InfluxDBClient(new V3.Config.ClientConfig
        {
            Host = server.Url.ToString(), Token = "apiv3_tok", AuthScheme = "Bearer", Database = "d b",
            // UseV2Api = false: the client's default is the 2.x-compatible /api/v2/write; ours speaks write_lp.
            WriteOptions = new V3.Config.WriteOptions { UseV2Api = false, Precision = theirPrecision, GzipThreshold = gzip ? 1 : int.MaxValue },
        }))
        {
            await client.WritePointsAsync(Enumerable.Range(0, 2).Select(i =>
                V3.Write.PointData.Measurement("env").SetTag("tag", "T-" + i).SetField("temp", 21.5).SetTimestamp(Time + i, theirPrecision)));
        }

        (RecordedRequest ours, RecordedRequest theirs) = Pair(server);
        AssertSameShape(ours, theirs, "db", "precision");
        Assert.Equal("/api/v3/write_lp", ours.Path);
        Assert.Equal("Bearer apiv3_tok", ours.Header("Authorization"));
        Assert.Equal(gzip ? "gzip" : null, ours.Header("Content-Encoding"));
        Assert.Contains("db=d%20b", ours.Uri.Query);
        Assert.Contains("db=d+b", theirs.Uri.Query);
        Assert.StartsWith("influxdb3-csharp/", theirs.Header("User-Agent"));
    }

    private static async Task WriteOursAsync(LoopbackHttpServer server, InfluxOptions options)
    {
        options.Url = server.Url;
        using var writer = new InfluxWriter(options);
        using LineProtocolBuffer lines = writer.CreateBuffer();
        for (int i = 0; i < 2; i++)
        {
            lines.BeginLine("env", i).Tag("tag", "T-" + i).FloatField("temp", 21.5).End(Time + i);
        }

        Assert.Equal(2, (await writer.WriteAsync(lines)).WrittenCount);
    }

    private static (RecordedRequest Ours, RecordedRequest Theirs) Pair(LoopbackHttpServer server)
    {
        RecordedRequest[] requests = [.. server.Requests];
        Assert.Equal(2, requests.Length);
        return (requests[0], requests[1]);
    }

    private static void AssertSameShape(RecordedRequest ours, RecordedRequest theirs, params string[] queryNames)
    {
        Assert.Equal(theirs.Method, ours.Method);
        Assert.Equal(theirs.Path, ours.Path);
        Assert.Equal(theirs.QueryNames.Order(StringComparer.Ordinal), ours.QueryNames.Order(StringComparer.Ordinal));
        foreach (string name in queryNames)
        {
            Assert.Equal(theirs.Query(name), ours.Query(name));
        }

        Assert.Equal(theirs.Header("Authorization"), ours.Header("Authorization"));
        Assert.Equal(theirs.Header("Content-Type"), ours.Header("Content-Type"));
        Assert.Equal(theirs.Gzipped, ours.Gzipped);
        Assert.Equal(theirs.Lines, ours.Lines);
        Assert.Equal(theirs.Body + "\n", ours.Body);
        Assert.Null(ours.Header("User-Agent"));
    }
}
