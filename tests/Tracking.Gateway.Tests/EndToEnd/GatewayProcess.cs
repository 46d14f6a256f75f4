using System.Diagnostics;
using System.Text;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The gateway as a child process (no TRACKING_ variables inherited), its stdout and stderr collected, so tests can
/// wait for the log lines an operator would see. Disposing kills it.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _sync = new();

    private GatewayProcess(Process process) => _process = process;

    public static GatewayProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracking.Gateway.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TRACKING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        var process = new Process { StartInfo = psi };
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    public string Output { get { lock (_sync) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until everything printed so far satisfies <paramref name="condition"/>; fails with the output otherwise.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            string output = Output;
            if (condition(output)) return output;
            if (_process.HasExited) break;
            await Task.Delay(100);
        }

        string final = Output;
        Assert.True(condition(final), $"gateway output did not show what was expected (exited {_process.HasExited}):\n{final}");
        return final;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_sync) _output.Append(line).Append('\n');
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
