using System.Diagnostics;
using System.Text;

namespace Tracking.Gateway.Tests;

/// <summary>
/// The gateway binary as an operator runs it: a child process without this process's TRACKING_ variables, its stdout
/// and stderr collected, so tests can wait for the log lines an operator would see. Disposing kills it.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _sync = new();
    private readonly TaskCompletionSource _outClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatewayProcess(Process process) => _process = process;

    public static GatewayProcess Start(params string[] args) => Start(null, args);

    public static GatewayProcess Start(IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracking.Gateway.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TRACKING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        var process = new Process { StartInfo = psi };
        var gateway = new GatewayProcess(process);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data, gateway._stdout, gateway._outClosed);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data, gateway._stderr, gateway._errClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Runs the gateway to its exit (killed after a minute) and returns its code and both streams.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(IDictionary<string, string>? env, params string[] args)
    {
        using var gateway = Start(env, args);
        int exit = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        lock (gateway._sync) return (exit, gateway._stdout.ToString(), gateway._stderr.ToString());
    }

    /// <summary>stdout and stderr interleaved as printed.</summary>
    public string Output { get { lock (_sync) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id (the runtime runs in the <c>dotnet</c> host's own process).</summary>
    public int Id => _process.Id;

    /// <summary>Waits for the exit and for both streams to close; kills the process and fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_outClosed.Task, _errClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"gateway did not exit within {timeout}:\n{Output}");
        }

        return _process.ExitCode;
    }

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

    private void Append(string? line, StringBuilder stream, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_sync)
        {
            _output.Append(line).Append('\n');
            stream.Append(line).Append('\n');
        }
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
