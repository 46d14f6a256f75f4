using System.Globalization;
using Tracking.Testing.Probes;
using Tracking.Testing.Processes;

namespace Tracking.Testing;

/// <summary>
/// A second, independent MQTT broker (aedes on Node.js, tests/interop/aedes-broker.js) on 127.0.0.1, so that
/// client behaviour is checked against more than one implementation.
/// </summary>
public sealed class AedesServer : IAsyncDisposable
{
    private const int FreshPortAttempts = 5;
    private readonly InstanceDirectory _directory;
    private readonly ServerProcess _process;

    private AedesServer(InstanceDirectory directory, int port, ServerProcess process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>Starts the broker on a free port and returns once it answers an MQTT CONNECT.</summary>
    public static async Task<AedesServer> StartAsync(CancellationToken ct = default)
    {
        var interop = Path.Combine(RepoPaths.Root, "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "aedes")))
        {
            throw new InvalidOperationException(
                $"aedes is not installed in {interop}: run `npm ci --prefix tests/interop` (scripts/test does that)");
        }
        var node = ServerBinaries.Require("node", "nodejs");
        var script = Path.Combine(interop, "aedes-broker.js");
        var directory = InstanceDirectory.Create("aedes");
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Get();
                var process = new ServerProcess("aedes", directory, directory.File("aedes.log"), node,
                    [script, port.ToString(CultureInfo.InvariantCulture)],
                    ct => MqttConnectProbe.AnswersAsync("127.0.0.1", port, ct),
                    $"127.0.0.1:{port}", readyLogLine: $"listening {port}");
                try
                {
                    await process.StartAsync(ct).ConfigureAwait(false);
                    return new AedesServer(directory, port, process);
                }
                catch (ServerStartException e) when (e.AddressInUse && attempt < FreshPortAttempts)
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

    /// <summary>Stops the broker and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync().ConfigureAwait(false);
        _directory.Delete();
    }
}
