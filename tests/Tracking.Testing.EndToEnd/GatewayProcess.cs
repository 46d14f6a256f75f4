using System.Diagnostics;
using System.Text;

namespace Tracking.Testing.EndToEnd;

/// <summary>
/// The gateway (gateway/Tracking.Gateway, built beside the test) as a child process: its spool directory outlives a kill
/// so a restart continues from it, its HTTP port stays the same across restarts (the test's URLs keep working), and its
/// console output is kept for the messages of a failed assertion. <see cref="KillAsync"/> is a SIGKILL: nothing flushed,
/// no goodbye to the broker.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    /// <summary>The console output kept for failure messages: the last this many characters.</summary>
    private const int OutputKeptChars = 256 * 1024;

    private readonly List<string> _arguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <param name="mqttUrl">mqtt://host:port of the broker (or of a proxy in front of it).</param>
    /// <param name="influxUrl">InfluxDB 1.x base URL (or a proxy's).</param>
    /// <param name="database">The InfluxDB database.</param>
    /// <param name="clientId">The gateway's MQTT client id: the same id across restarts resumes its broker session.</param>
    /// <param name="extraArguments">More settings, e.g. <c>--Rules:DefaultProfile=pharma_2_8</c>.</param>
    public GatewayProcess(string mqttUrl, Uri influxUrl, string database, string clientId, params IEnumerable<string> extraArguments)
    {
        SpoolDirectory = Path.Combine(Path.GetTempPath(), "tracking-tests", "gw-" + Guid.NewGuid().ToString("N"));
        HttpPort = FreePort.Get();
        string config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        string dll = RepoPaths.Of("gateway", "Tracking.Gateway", "bin", config, "net10.0", "Tracking.Gateway.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"gateway not built: {dll}");
        _arguments =
        [
            dll, "--mqtt-url", mqttUrl, "--influx-url", influxUrl.ToString(), "--influx-db", database, "--influx-version", "1",
            "--spool-dir", SpoolDirectory, "--http-url", $"http://127.0.0.1:{HttpPort}", "--mqtt-client-id", clientId,
            .. extraArguments,
        ];
    }

    public string SpoolDirectory { get; }

    /// <summary>
    /// Adds settings for the next <see cref="StartAsync"/>: those that name other gateways' <see cref="SpoolDirectory"/>
    /// (Spool:Peers), known only once all of them are made.
    /// </summary>
    public void AddArguments(params IEnumerable<string> arguments) => _arguments.AddRange(arguments);

    public int HttpPort { get; }

    /// <summary>For the gateway's API; the connections are not kept across restarts for long.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1), UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>CPU time (user + system) of the running process; null when it is not running (for the figures of a run).</summary>
    public TimeSpan? CpuTime
    {
        get
        {
            try { return _process is { HasExited: false } p ? p.TotalProcessorTime : null; }
            catch (InvalidOperationException) { return null; }
        }
    }

    /// <summary>How many times the gateway was started.</summary>
    public int Starts { get; private set; }

    /// <summary>http://127.0.0.1:PORT/ + <paramref name="pathAndQuery"/>.</summary>
    public Uri Url(string pathAndQuery) => new($"http://127.0.0.1:{HttpPort}/{pathAndQuery.TrimStart('/')}");

    /// <summary>The console output of the current (or last) run, its tail when long.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Starts the gateway and returns once it has subscribed (log event 401: from then on the broker keeps its session's
    /// messages for it, also across a kill) and its HTTP listener answers. <paramref name="requireHealthy"/>: also wait for
    /// /healthz to say 200 (false when a fault the test made is still on, e.g. InfluxDB down).
    /// </summary>
    public async Task StartAsync(bool requireHealthy = true, TimeSpan? timeout = null)
    {
        if (IsRunning) throw new InvalidOperationException("the gateway is already running");
        _process?.Dispose();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in _arguments) psi.ArgumentList.Add(a);
        // The test decides every setting: none from the environment the tests were started in.
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TRACKING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        lock (_output) _output.Clear();
        _process = Process.Start(psi)!;
        Starts++;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(60);
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the gateway exited with {_process.ExitCode}:\n{Output}");
            if (Output.Contains("Subscribed to", StringComparison.Ordinal)
                && await HttpPoll.TryGetAsync(Http, Url("healthz")) is { } health && (!requireHealthy || health.IsSuccess))
            {
                return;
            }
            if (sw.Elapsed > limit) throw new TimeoutException($"gateway not subscribed{(requireHealthy ? " and healthy" : "")} after {limit}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL (the whole process tree) and wait for the exit.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            if (_output.Length > OutputKeptChars) _output.Remove(0, _output.Length - (OutputKeptChars / 2));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
        try { Directory.Delete(SpoolDirectory, true); } catch (DirectoryNotFoundException) { }
    }
}
