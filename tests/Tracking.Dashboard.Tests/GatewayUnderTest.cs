using System.Diagnostics;
using System.Text;
using Tracking.Testing;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// The gateway binary (from this project's output) as a child process on a free HTTP port, its output kept for the
/// failure messages; disposing kills it.
/// </summary>
public sealed class GatewayUnderTest : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayUnderTest(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static GatewayUnderTest Start(params string[] args)
    {
        int port = FreePort.Get();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracking.Gateway.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--http-url");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TRACKING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        var process = new Process { StartInfo = psi };
        var gateway = new GatewayUnderTest(process, port);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Waits until /healthz answers (any status: the listener is up); fails with the output if it exits first.</summary>
    public async Task WaitForHttpAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            Assert.False(_process.HasExited, $"the gateway exited ({(_process.HasExited ? _process.ExitCode : 0)}):\n{Output}");
            try
            {
                await http.GetAsync(BaseUrl + "/healthz");
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        Assert.Fail($"the gateway did not listen within {timeout}:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // the output's end too
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Append(line).Append('\n');
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
