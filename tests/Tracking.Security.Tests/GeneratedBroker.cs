using System.Diagnostics;
using Tracking.Testing;

namespace Tracking.Security.Tests;

/// <summary>
/// mosquitto run with exactly the configuration deploy/broker-config generated (TLS listener only, no plain one), in a
/// private directory under TEMP; ready once its log says it runs. Stopped and deleted on dispose.
/// </summary>
public sealed class GeneratedBroker : IAsyncDisposable
{
    private readonly Process _process;

    private GeneratedBroker(string directory, int tlsPort, Process process)
    {
        Directory = directory;
        TlsPort = tlsPort;
        _process = process;
    }

    /// <summary>The broker-config directory: mosquitto.conf, acl, passwd, pki/, secrets/.</summary>
    public string Directory { get; }

    public int TlsPort { get; }

    public string CaFile => Path.Combine(Directory, "pki", "ca.pem");

    public string LogPath => Path.Combine(Directory, "mosquitto.log");

    /// <summary>deploy/broker-config init, then <paramref name="setup"/> (accounts), then mosquitto.</summary>
    public static async Task<GeneratedBroker> StartAsync(Func<string, Task> setup, params string[] initOptions)
    {
        string directory = Path.Combine(Path.GetTempPath(), "tracking-tests", "broker-config-" + Guid.NewGuid().ToString("N")[..12]);
        int port = FreePort.Get();
        await DeployScripts.RunOkAsync("broker-config",
            ["init", directory, "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
             "--user", Environment.UserName, .. initOptions]);
        await setup(directory);

        string mosquitto = ServerBinaries.Require("mosquitto", "mosquitto");
        string log = Path.Combine(directory, "mosquitto.log");
        // A shell redirect, not a pipe: nothing can fill up and stall the broker.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string a in new[] { "-c", "exec \"$0\" -c \"$1\" 2>>\"$2\"", mosquitto, Path.Combine(directory, "mosquitto.conf"), log })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start mosquitto");
        var broker = new GeneratedBroker(directory, port, process);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains(" running", StringComparison.Ordinal)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                string text = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)";
                await broker.DisposeAsync();
                throw new InvalidOperationException("mosquitto did not start with the generated configuration:\n" + text);
            }

            await Task.Delay(50);
        }

        return broker;
    }

    public string ReadLog() => File.ReadAllText(LogPath);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Its state is thrown away with the directory: nothing to save, so no clean stop is needed.
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
