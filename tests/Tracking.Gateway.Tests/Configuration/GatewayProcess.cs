using System.Diagnostics;

namespace Tracking.Gateway.Tests.Configuration;

/// <summary>The gateway binary as an operator runs it: a child process without this process's TRACKING_ variables.</summary>
internal static class GatewayProcess
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Tracking.Gateway.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TRACKING_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        using var process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
