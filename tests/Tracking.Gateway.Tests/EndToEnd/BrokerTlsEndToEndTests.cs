using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The gateway on mosquitto's TLS listener with everything on at once: a private CA, a client certificate the broker
/// requires, and a password from a file; a tag message must still reach InfluxDB.
/// </summary>
public sealed class BrokerTlsEndToEndTests : RealServersTest, IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    protected override MosquittoOptions BrokerOptions => new()
    {
        Users = new Dictionary<string, string> { ["gw"] = "gw-secret", ["pub"] = "pub-secret" },
        Tls = _pki.MosquittoTls(requireClientCertificate: true),
    };

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task A_valid_chain_client_certificate_and_password_file_carry_messages_to_InfluxDB()
    {
        string passwordFile = Path.Combine(_pki.Directory, "gw.password");
        await File.WriteAllTextAsync(passwordFile, "gw-secret\n"); // the newline `echo` adds is not part of it
        string[] args =
        [
            .. GatewayArgs("gw-tls"), "--mqtt-url", $"mqtts://127.0.0.1:{Broker.TlsPort}", "--mqtt-ca-file", _pki.CaFile,
            "--mqtt-cert-file", _pki.ClientCertFile, "--mqtt-key-file", _pki.ClientKeyFile,
            "--mqtt-username", "gw", "--mqtt-password-file", passwordFile,
        ];
        var (app, service) = await StartInProcessAsync(args);
        try
        {
            Assert.Empty(service.HealthProblems());
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(_pki.CaFile);
            await using var publisher = new MqttClient(new MqttClientOptions
            {
                Host = "localhost", Port = Broker.TlsPort!.Value, ClientId = "pub-tls", Username = "pub", Password = "pub-secret"u8.ToArray(),
                Tls = new MqttTlsOptions
                {
                    TrustedCertificateAuthorities = authorities,
                    ClientCertificate = X509Certificate2.CreateFromPemFile(_pki.ClientCertFile, _pki.ClientKeyFile),
                },
            });
            await publisher.ConnectAsync();
            await publisher.PublishAsync("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry",
                Encoding.UTF8.GetBytes("""{"v":1,"boot":1,"seq":0,"t0":1732600000000,"bat":3.9,"r":[[0,21.5,50.5,1000.25,0.5]]}"""),
                MqttQos.AtLeastOnce);

            var sw = Stopwatch.StartNew();
            string json = "";
            while (sw.Elapsed < TimeSpan.FromSeconds(30) && !json.Contains("21.5", StringComparison.Ordinal))
            {
                await Task.Delay(250);
                json = await Influxd.QueryAsync("SELECT temp_c FROM env", Db);
            }

            Assert.Contains("21.5", json);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
