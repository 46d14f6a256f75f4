using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tracking.Testing.Probes;
using Tracking.Testing.Processes;

namespace Tracking.Testing;

/// <summary>
/// A private mosquitto 2.0 broker on 127.0.0.1 with its own config, data directory and log under
/// TEMP/tracking-tests/. Stop/Kill/StartAgain simulate broker restarts and crashes.
/// </summary>
public sealed class MosquittoServer : IAsyncDisposable
{
    private const int FreshPortAttempts = 5;
    private readonly InstanceDirectory _directory;
    private ServerProcess _process;

    private MosquittoServer(InstanceDirectory directory, int port, int? tlsPort, ServerProcess process)
    {
        _directory = directory;
        Port = port;
        TlsPort = tlsPort;
        _process = process;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>The TLS listener's port when <see cref="MosquittoOptions.Tls"/> was given.</summary>
    public int? TlsPort { get; }

    /// <summary>The instance directory: mosquitto.conf, mosquitto.db (persistence), the password file and the log.</summary>
    public string DataDirectory => _directory.Path;

    public string LogPath => _process.LogPath;

    /// <summary>The server's process id while it runs.</summary>
    public int? ProcessId => _process.ProcessId;

    /// <summary>Starts a broker and returns once it answers an MQTT CONNECT.</summary>
    public static async Task<MosquittoServer> StartAsync(MosquittoOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MosquittoOptions();
        var mosquitto = ServerBinaries.Require("mosquitto", "mosquitto");
        var directory = InstanceDirectory.Create("mosquitto");
        try
        {
            if (options.Users is { } users) await WritePasswordFileAsync(directory, users, ct).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                // A free port can be taken by someone else before mosquitto binds it: pick another then.
                var ports = FreePort.Get(2);
                var port = options.Port != 0 ? options.Port : ports[0];
                int? tlsPort = options.Tls is null ? null : ports[1];
                var process = CreateProcess(directory, mosquitto, port, tlsPort, options);
                try
                {
                    await process.StartAsync(ct).ConfigureAwait(false);
                    return new MosquittoServer(directory, port, tlsPort, process);
                }
                catch (ServerStartException e) when (e.AddressInUse && options.Port == 0 && attempt < FreshPortAttempts)
                {
                }
            }
        }
        catch
        {
            directory.Delete();
            throw;
        }
    }

    /// <summary>SIGTERM and wait for exit; with persistence on, mosquitto saves its database first.</summary>
    public Task StopAsync() => _process.StopAsync();

    /// <summary>SIGKILL and wait for exit: a crash, nothing saved since the last autosave.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts again with the same port, config and data directory; waits until it answers.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => _process.StartAgainAsync(ct);

    public string ReadLog() => _process.ReadLog();

    /// <summary>Stops the broker and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync().ConfigureAwait(false);
        _directory.Delete();
    }

    private static ServerProcess CreateProcess(InstanceDirectory directory, string mosquitto, int port, int? tlsPort, MosquittoOptions options)
    {
        var configPath = directory.File("mosquitto.conf");
        File.WriteAllText(configPath, RenderConfig(directory, port, tlsPort, options));
        return new ServerProcess("mosquitto", directory, directory.File("mosquitto.log"), mosquitto, ["-c", configPath],
            ct => MqttConnectProbe.AnswersAsync("127.0.0.1", port, ct),
            $"127.0.0.1:{port}", readyLogLine: " running");
    }

    private static string RenderConfig(InstanceDirectory directory, int port, int? tlsPort, MosquittoOptions options)
    {
        var config = new StringBuilder(ConfigTemplate.Render("mosquitto.conf.in", new Dictionary<string, string>
        {
            ["USER"] = Environment.UserName,
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
        }));
        config.Append('\n');
        if (options.Users is null)
        {
            config.Append("allow_anonymous true\n");
        }
        else
        {
            config.Append("allow_anonymous false\n");
            config.Append(CultureInfo.InvariantCulture, $"password_file {directory.File("passwords")}\n");
        }
        if (options.Persistence)
        {
            config.Append("persistence true\n");
            config.Append(CultureInfo.InvariantCulture, $"persistence_location {directory.Path}/\n");
            config.Append("persistence_file mosquitto.db\n");
        }
        foreach (var line in options.ExtraConfig) config.Append(line).Append('\n');
        if (options.Tls is { } tls && tlsPort is { } tlsListenerPort)
        {
            // Last: the lines after a listener line configure that listener (password_file and allow_anonymous are
            // global with mosquitto's default per_listener_settings false, so both listeners check users).
            config.Append(CultureInfo.InvariantCulture, $"listener {tlsListenerPort} 127.0.0.1\n");
            config.Append(CultureInfo.InvariantCulture, $"cafile {tls.CaFile}\n");
            config.Append(CultureInfo.InvariantCulture, $"certfile {tls.CertFile}\n");
            config.Append(CultureInfo.InvariantCulture, $"keyfile {tls.KeyFile}\n");
            config.Append(CultureInfo.InvariantCulture, $"require_certificate {(tls.RequireClientCertificate ? "true" : "false")}\n");
        }
        return config.ToString();
    }

    private static async Task WritePasswordFileAsync(InstanceDirectory directory, IReadOnlyDictionary<string, string> users, CancellationToken ct)
    {
        var tool = ServerBinaries.Require("mosquitto_passwd", "mosquitto");
        var passwordFile = directory.File("passwords");
        await File.WriteAllTextAsync(passwordFile, "", ct).ConfigureAwait(false);
        foreach (var (user, password) in users)
        {
            var info = new ProcessStartInfo(tool)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "-b", passwordFile, user, password }) info.ArgumentList.Add(argument);
            using var passwd = Process.Start(info) ?? throw new InvalidOperationException($"could not start {tool}");
            var output = passwd.StandardOutput.ReadToEndAsync(ct);
            var error = passwd.StandardError.ReadToEndAsync(ct);
            await passwd.WaitForExitAsync(ct).ConfigureAwait(false);
            if (passwd.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"mosquitto_passwd failed for user '{user}' (exit {passwd.ExitCode}): {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
            }
        }
    }
}
