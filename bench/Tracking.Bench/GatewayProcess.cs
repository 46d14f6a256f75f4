using System.Diagnostics;
using System.Globalization;
using Tracking.Testing;
using static Tracking.Bench.BenchSupport;

namespace Tracking.Bench;

/// <summary>
/// The gateway as a child process against a private mosquitto and influxd, as `ingest`, `history` and `sse-fanout` run it:
/// started with its own MQTT client id and shared-subscription group, spool in a temporary directory, HTTP on a free
/// loopback port, its output in a log file; healthy before <see cref="StartAsync"/> returns. Disposing kills it, deletes
/// its spool and ends its persistent session at the broker.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _spool;
    private readonly MosquittoServer _mqtt;
    private readonly string _clientId;

    private GatewayProcess(Process process, DirectoryInfo spool, MosquittoServer mqtt, string clientId, int port)
    {
        _process = process;
        _spool = spool;
        _mqtt = mqtt;
        _clientId = clientId;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        Http = new HttpClient { BaseAddress = BaseUrl };
    }

    public int Id => _process.Id;

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client of the gateway's HTTP API, for the benchmark's own polls.</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Starts the gateway writing to <paramref name="database"/>; <paramref name="name"/> makes its MQTT client id and
    /// shared group unique to the run; <paramref name="extra"/> are more command-line options (--Section:Key=value).
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(MosquittoServer mqtt, InfluxdServer influx, string name, string database,
        params string[] extra)
    {
        var spool = Directory.CreateTempSubdirectory("tracking-bench-spool-");
        int httpPort = FreePort.Get();
        string log = Path.Combine(spool.FullName, "gateway.log");
        string clientId = "bench-gw-" + name;
        var (gatewayFile, gatewayFirst) = AppCommand(Dll());
        var psi = new ProcessStartInfo("/bin/sh", ["-c", $"exec \"$0\" \"$@\" > '{log}' 2>&1", gatewayFile, .. gatewayFirst,
            "--mqtt-url", $"mqtt://{mqtt.Host}:{mqtt.Port}", "--mqtt-client-id", clientId,
            // A shared group of its own per run: the persistent sessions of earlier runs' (killed) gateways stay members
            // of their group and the broker would keep queuing their share of the messages.
            "--mqtt-group", "bench-" + name, "--influx-url", influx.Url.ToString(),
            "--influx-db", database, "--spool-dir", Path.Combine(spool.FullName, "spool"), "--http-url", $"http://127.0.0.1:{httpPort}",
            .. extra])
        {
            UseShellExecute = false,
        };
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // Runtime experiments on the gateway alone (the publisher and this process keep their settings):
        // TRACKING_BENCH_GATEWAY_ENV="DOTNET_TieredPGO=1;DOTNET_gcConcurrent=0" sets those variables for the gateway only.
        foreach (var pair in (Environment.GetEnvironmentVariable("TRACKING_BENCH_GATEWAY_ENV") ?? "")
                     .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ArgumentException("TRACKING_BENCH_GATEWAY_ENV: NAME=value pairs separated by ';': " + pair);
            psi.Environment[pair[..eq]] = pair[(eq + 1)..];
        }
        var gateway = new GatewayProcess(Process.Start(psi)!, spool, mqtt, clientId, httpPort);
        try
        {
            await gateway.WaitHealthyAsync(log);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>The gateway built beside this benchmark (same configuration).</summary>
    public static string Dll()
    {
        var dir = Path.GetDirectoryName(typeof(GatewayProcess).Assembly.Location)!;
        string config = new DirectoryInfo(dir).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(RepoPaths.Root, "gateway", "Tracking.Gateway", "bin", config, "net10.0", "Tracking.Gateway.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the gateway first (the bench project builds it)", dll);
    }

    /// <summary>The gateway's /metrics text, for several figures from one request.</summary>
    public Task<string> MetricsTextAsync() => Http.GetStringAsync("metrics");

    /// <summary>A counter without labels from the gateway's /metrics.</summary>
    public async Task<long> MetricAsync(string name) => Metric(await MetricsTextAsync(), name);

    /// <summary>A counter without labels from a /metrics text (0 when absent).</summary>
    public static long Metric(string text, string name) => Value(text, "\n" + name + " ") ?? 0;

    /// <summary>
    /// Spooled records the named spool reader has not confirmed (<c>tracking_gateway_spool_reader_records</c>), or null
    /// when the gateway has no such reader.
    /// </summary>
    public async Task<long?> ReaderRecordsAsync(string reader) => ReaderRecords(await MetricsTextAsync(), reader);

    /// <summary><see cref="ReaderRecordsAsync"/> from a /metrics text.</summary>
    public static long? ReaderRecords(string text, string reader) =>
        Value(text, $"\ntracking_gateway_spool_reader_records{{reader=\"{reader}\"}} ");

    /// <summary>
    /// CPU seconds of a spool consumer's own work (<c>tracking_gateway_consumer_cpu_seconds_total</c>: its hand-overs and
    /// saves), 0 before it has any.
    /// </summary>
    public async Task<double> ConsumerCpuSecondsAsync(string consumer)
    {
        string text = await MetricsTextAsync();
        ReadOnlySpan<char> value = Series(text, $"\ntracking_gateway_consumer_cpu_seconds_total{{consumer=\"{consumer}\"}} ");
        return value.IsEmpty ? 0 : double.Parse(value, CultureInfo.InvariantCulture);
    }

    private static long? Value(string text, string series)
    {
        ReadOnlySpan<char> value = Series(text, series);
        return value.IsEmpty ? null : long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The value of a series' line in a /metrics text (its name and labels, then a space), empty when absent.</summary>
    private static ReadOnlySpan<char> Series(string text, string series)
    {
        int at = text.IndexOf(series, StringComparison.Ordinal);
        if (at < 0) return [];
        int start = at + series.Length, end = text.IndexOf('\n', start);
        return text.AsSpan(start, (end < 0 ? text.Length : end) - start);
    }

    /// <summary>Lines influxd has acknowledged to the gateway since it started.</summary>
    public Task<long> LinesWrittenAsync() => MetricAsync("tracking_gateway_lines_written_total");

    /// <summary>VmHWM of the gateway, in bytes (0 once it is gone).</summary>
    public long PeakRss()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        return 0;
    }

    private async Task WaitHealthyAsync(string log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var end = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < end)
        {
            if (_process.HasExited) throw new InvalidOperationException("the gateway exited: " + File.ReadAllText(log));
            try
            {
                if ((await http.GetAsync(new Uri(BaseUrl, "healthz"))).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the gateway did not become healthy: " + File.ReadAllText(log));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _spool.Delete(true);
        await EndSessionAsync();
    }

    /// <summary>
    /// Ends the killed gateway's persistent session: otherwise the broker keeps its shared subscription and queues a copy
    /// of every later run's messages for it (the later rounds ran a third slower until this was done).
    /// </summary>
    private async Task EndSessionAsync()
    {
        await using var client = new Tracking.Mqtt.MqttClient(new Tracking.Mqtt.MqttClientOptions
        {
            Host = _mqtt.Host, Port = _mqtt.Port, ClientId = _clientId, CleanStart = true, SessionExpirySeconds = 0,
        });
        await client.ConnectAsync();
        await client.DisconnectAsync();
    }
}
