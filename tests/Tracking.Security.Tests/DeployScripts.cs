using System.Diagnostics;
using Tracking.Testing;

namespace Tracking.Security.Tests;

/// <summary>Runs deploy/broker-config and deploy/make-certs as an operator would, stdin included.</summary>
public static class DeployScripts
{
    public static async Task<ScriptResult> RunAsync(string script, IEnumerable<string> args, string? stdin = null)
    {
        var info = new ProcessStartInfo(RepoPaths.Of("deploy", script))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + script);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new ScriptResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs it and fails the test with its output unless it exits 0.</summary>
    public static async Task<ScriptResult> RunOkAsync(string script, IEnumerable<string> args, string? stdin = null)
    {
        ScriptResult r = await RunAsync(script, args, stdin);
        Assert.True(r.ExitCode == 0, $"deploy/{script} {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        return r;
    }
}
