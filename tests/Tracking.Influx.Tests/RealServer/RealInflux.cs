using Tracking.Influx.Query;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Influx.Tests.RealServer;

/// <summary>A fresh database on a private influxd plus a writer and a query client pointed at it.</summary>
public sealed class RealInflux : IDisposable
{
    private RealInflux(InfluxdServer server, string database, InfluxOptions options, HttpClient? http, IDeadLetterSink? sink)
    {
        Server = server;
        Database = database;
        Options = options;
        Writer = new InfluxWriter(options, http, sink);
        Query = new InfluxQueryClient(options);
    }

    public InfluxdServer Server { get; }

    public string Database { get; }

    public InfluxOptions Options { get; }

    public InfluxWriter Writer { get; }

    public InfluxQueryClient Query { get; }

    public static async Task<RealInflux> CreateAsync(
        InfluxdServer server, Action<InfluxOptions>? configure = null, HttpClient? http = null, IDeadLetterSink? sink = null)
    {
        string database = "t_" + Guid.NewGuid().ToString("N")[..12];
        await server.CreateDatabaseAsync(database);
        var options = new InfluxOptions { Url = server.Url, Database = database };
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        configure?.Invoke(options);
        return new RealInflux(server, database, options, http, sink);
    }

    public async Task<long> CountAsync(string measurement, string field = "v")
    {
        InfluxQueryResult result = await Query.QueryAsync($"SELECT count(\"{field}\") FROM \"{measurement}\"");
        InfluxSeries? series = result.Series.SingleOrDefault();
        return series is null ? 0 : (long)series.Values[0][1]!;
    }

    public void Dispose()
    {
        Writer.Dispose();
        Query.Dispose();
    }
}
