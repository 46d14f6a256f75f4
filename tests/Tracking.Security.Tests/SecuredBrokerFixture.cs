using System.Text;
using Tracking.Mqtt;

namespace Tracking.Security.Tests;

/// <summary>
/// One broker from deploy/broker-config for a test class: tags fleet1/CSQU3054383/tag7 and tag8, gateway gw.main and
/// simulator sim.simfleet. Helpers connect over TLS with the generated CA, as the devices and services would.
/// </summary>
public sealed class SecuredBrokerFixture : IAsyncLifetime
{
    public const string Fleet = "fleet1";
    public const string Container = "CSQU3054383";
    public const string Tag7Password = "tag7-Secret-1";
    public const string Tag8Password = "tag8-Secret-2";

    public GeneratedBroker Broker { get; private set; } = null!;

    public static string User(string tag) => $"{Fleet}/{Container}/{tag}";

    public static string Topic(string tag, string kind) => $"tracking/v1/{Fleet}/{Container}/{tag}/{kind}";

    public string GatewayPasswordFile => Path.Combine(Broker.Directory, "secrets", "gw.main.password");

    public string SimulatorPasswordFile => Path.Combine(Broker.Directory, "secrets", "sim.simfleet.password");

    public async Task InitializeAsync()
    {
        Broker = await GeneratedBroker.StartAsync(async dir =>
        {
            await DeployScripts.RunOkAsync("broker-config", ["add-tag", dir, Fleet, Container, "tag7"], Tag7Password + "\n");
            await DeployScripts.RunOkAsync("broker-config", ["add-tag", dir, Fleet, Container, "tag8"], Tag8Password + "\n");
            await DeployScripts.RunOkAsync("broker-config", ["add-gateway", dir, "main"]);
            await DeployScripts.RunOkAsync("broker-config", ["add-simulator", dir, "simfleet"]);
        });
    }

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    public MqttClientOptions Options(string? username, string? password, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var authorities = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        authorities.ImportFromPemFile(Broker.CaFile);
        return new MqttClientOptions
        {
            Host = "localhost",
            Port = Broker.TlsPort,
            ProtocolVersion = version,
            ClientId = "sec-" + Guid.NewGuid().ToString("N")[..12],
            Username = username,
            // default(T?), not null: a null byte[] would convert into an empty, present password.
            Password = password is null ? default(ReadOnlyMemory<byte>?) : Encoding.UTF8.GetBytes(password),
            AutoReconnect = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            Tls = new MqttTlsOptions { TrustedCertificateAuthorities = authorities },
        };
    }

    public async Task<MqttClient> ConnectAsync(string? username, string? password, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var client = new MqttClient(Options(username, password, version));
        await client.ConnectAsync();
        return client;
    }

    public async Task<MqttClient> ConnectGatewayAsync()
    {
        string password = (await File.ReadAllTextAsync(GatewayPasswordFile)).TrimEnd('\n');
        return await ConnectAsync("gw.main", password, MqttProtocolVersion.V500);
    }

    /// <summary>Whatever arrives until nothing has for <paramref name="quiet"/>.</summary>
    public static async Task<List<MqttMessage>> DrainAsync(MqttClient client, TimeSpan quiet)
    {
        var list = new List<MqttMessage>();
        while (true)
        {
            using var cts = new CancellationTokenSource(quiet);
            try { list.Add(await client.Messages.ReadAsync(cts.Token)); }
            catch (OperationCanceledException) { return list; }
        }
    }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(MqttMessage m) => Encoding.UTF8.GetString(m.Payload.Span);
}
