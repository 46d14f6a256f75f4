using System.Globalization;
using System.Net;
using System.Text.Json;
using Tracking.Testing.Processes;

namespace Tracking.Testing;

/// <summary>
/// A private InfluxDB 1.6 server on 127.0.0.1 (HTTP API and RPC on free ports, data in its own directory under
/// TEMP/tracking-tests/), plus the few HTTP calls tests need to check what was written.
/// </summary>
public sealed class InfluxdServer : IAsyncDisposable
{
    private const int FreshPortAttempts = 5;
    private readonly InstanceDirectory _directory;
    private readonly ServerProcess _process;
    private readonly HttpClient _http;

    private InfluxdServer(InstanceDirectory directory, int port, ServerProcess process, HttpClient http)
    {
        _directory = directory;
        Port = port;
        _process = process;
        _http = http;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public int Port { get; }

    /// <summary>The server's process id while it runs.</summary>
    public int? ProcessId => _process.ProcessId;

    /// <summary>Starts influxd on free ports and returns once GET /ping answers 204.</summary>
    public static async Task<InfluxdServer> StartAsync(CancellationToken ct = default)
    {
        var influxd = ServerBinaries.Require("influxd", "influxdb");
        var directory = InstanceDirectory.Create("influxd");
        var http = CreateHttpClient();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var ports = FreePort.Get(2);
                var process = CreateProcess(directory, influxd, httpPort: ports[0], rpcPort: ports[1], http);
                try
                {
                    await process.StartAsync(ct).ConfigureAwait(false);
                    return new InfluxdServer(directory, ports[0], process, http);
                }
                catch (ServerStartException e) when (e.AddressInUse && attempt < FreshPortAttempts)
                {
                }
            }
        }
        catch
        {
            http.Dispose();
            directory.Delete();
            throw;
        }
    }

    /// <summary>SIGTERM and wait for exit (the WAL is on disk; influxd replays it on the next start).</summary>
    public Task StopAsync() => _process.StopAsync();

    /// <summary>SIGKILL and wait for exit.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts again with the same ports and data; waits until /ping answers.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => _process.StartAgainAsync(ct);

    /// <summary>
    /// Runs an InfluxQL statement and returns the JSON response text. Sent as a POST form so that every
    /// statement kind works (influxd 1.x wants POST for CREATE/DROP). Throws with the server's message when
    /// the request or any statement fails.
    /// </summary>
    public async Task<string> QueryAsync(string influxQl, string? db = null, CancellationToken ct = default)
    {
        var form = new List<KeyValuePair<string, string>> { new("q", influxQl) };
        if (db is not null) form.Add(new("db", db));
        using var response = await _http.PostAsync(new Uri(Url, "query"), new FormUrlEncodedContent(form), ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var error = ErrorIn(body);
        if (!response.IsSuccessStatusCode || error is not null)
        {
            throw new InvalidOperationException(
                $"InfluxDB query failed ({(int)response.StatusCode} {response.StatusCode}): {error ?? body}\nquery: {influxQl}");
        }
        return body;
    }

    public Task CreateDatabaseAsync(string name, CancellationToken ct = default) =>
        QueryAsync($"CREATE DATABASE {QuoteIdentifier(name)}", ct: ct);

    public string ReadLog() => _process.ReadLog();

    /// <summary>Stops influxd and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync().ConfigureAwait(false);
        _http.Dispose();
        _directory.Delete();
    }

    private static ServerProcess CreateProcess(InstanceDirectory directory, string influxd, int httpPort, int rpcPort, HttpClient http)
    {
        var configPath = directory.File("influxd.conf");
        File.WriteAllText(configPath, ConfigTemplate.Render("influxd.conf.in", new Dictionary<string, string>
        {
            ["DATA_DIR"] = directory.Path,
            ["HTTP_PORT"] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["RPC_PORT"] = rpcPort.ToString(CultureInfo.InvariantCulture),
        }));
        var ping = new Uri($"http://127.0.0.1:{httpPort}/ping");
        return new ServerProcess("influxd", directory, directory.File("influxd.log"), influxd, ["run", "-config", configPath],
            async ct =>
            {
                using var response = await http.GetAsync(ping, ct).ConfigureAwait(false);
                return response.StatusCode == HttpStatusCode.NoContent;
            },
            $"127.0.0.1:{httpPort}", readyLogLine: "Listening on HTTP")
        {
            // INFLUXDB_HTTP_BIND_ADDRESS and friends would override the config file.
            RemoveEnvironmentPrefix = "INFLUXDB_",
        };
    }

    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        // The server is restarted by tests; do not keep reusing connections to a process that is gone.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>The first error in an InfluxDB /query response: top-level or per statement.</summary>
    private static string? ErrorIn(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("error", out var error)) return error.GetString();
            if (root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            {
                foreach (var result in results.EnumerateArray())
                {
                    if (result.TryGetProperty("error", out var statementError)) return statementError.GetString();
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string QuoteIdentifier(string name) =>
        "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
