using System.Net.Http;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The gateway (a child process, as operators run it) against a mosquitto TLS listener that must refuse it: a CA that
/// did not sign the broker's certificate, a certificate for another host name, a wrong password. Each refusal must show
/// as an error line and a /healthz reason naming it, while the gateway keeps retrying.
/// </summary>
public sealed class BrokerRefusalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "gw-refusal-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _cleanup = [];

    public BrokerRefusalTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (IDisposable item in _cleanup) item.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private TestCertificates Pki(params string[] serverNames)
    {
        var pki = TestCertificates.Create(serverNames);
        _cleanup.Add(pki);
        return pki;
    }

    private static Task<MosquittoServer> BrokerAsync(TestCertificates pki) => MosquittoServer.StartAsync(new MosquittoOptions
    {
        Persistence = false, Users = new Dictionary<string, string> { ["gw"] = "gw-secret" }, Tls = pki.MosquittoTls(),
    });

    private (GatewayProcess Gateway, int HttpPort) StartGateway(MosquittoServer broker, string caFile, string password)
    {
        string passwordFile = Path.Combine(_dir, "password");
        File.WriteAllText(passwordFile, password + "\n");
        int httpPort = FreePort.Get();
        var gateway = GatewayProcess.Start(
            "--mqtt-url", $"mqtts://127.0.0.1:{broker.TlsPort}", "--mqtt-ca-file", caFile,
            "--mqtt-username", "gw", "--mqtt-password-file", passwordFile, "--mqtt-client-id", "gw-refused",
            "--influx-url", $"http://127.0.0.1:{FreePort.Get()}", "--influx-db", "tracking", "--stats-interval", "0",
            "--spool-dir", Path.Combine(_dir, "spool"), "--http-url", $"http://127.0.0.1:{httpPort}");
        _cleanup.Add(gateway);
        return (gateway, httpPort);
    }

    /// <summary>Polls /healthz until a reason contains <paramref name="expected"/>; returns the body.</summary>
    private static async Task<string> HealthAsync(int port, string expected)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        HttpAnswer? health = await HttpPoll.UntilAsync(http, new Uri($"http://127.0.0.1:{port}/healthz"),
            a => a.Body.Contains(expected, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        string body = health?.ToString() ?? "";
        Assert.Contains(expected, body);
        Assert.StartsWith("503 ", body);
        return body;
    }

    [Fact]
    public async Task A_certificate_from_another_CA_is_refused_with_a_clear_line()
    {
        var pki = Pki();
        var strangers = Pki();
        await using var broker = await BrokerAsync(pki);
        var (gateway, http) = StartGateway(broker, strangers.CaFile, "gw-secret");
        string output = await gateway.WaitForOutputAsync(o => o.Contains("mqtt tls handshake failed") && o.Contains("attempt 2"), TimeSpan.FromSeconds(60));
        Assert.Contains("UntrustedRoot", output);
        Assert.Contains("--mqtt-ca-file", output);
        await HealthAsync(http, "mqtt tls handshake failed");
        Assert.False(gateway.HasExited);
    }

    [Fact]
    public async Task A_certificate_for_another_host_name_is_refused()
    {
        var pki = Pki("broker.invalid");
        await using var broker = await BrokerAsync(pki);
        var (gateway, http) = StartGateway(broker, pki.CaFile, "gw-secret");
        string output = await gateway.WaitForOutputAsync(o => o.Contains("mqtt tls handshake failed"), TimeSpan.FromSeconds(60));
        Assert.Contains("RemoteCertificateNameMismatch", output);
        Assert.DoesNotContain("UntrustedRoot", output); // the chain itself is fine: only the name is wrong
        await HealthAsync(http, "RemoteCertificateNameMismatch");
    }

    [Fact]
    public async Task A_wrong_password_is_a_health_problem_naming_it_and_the_gateway_keeps_retrying()
    {
        var pki = Pki();
        await using var broker = await BrokerAsync(pki);
        var (gateway, http) = StartGateway(broker, pki.CaFile, "not-the-password");
        string output = await gateway.WaitForOutputAsync(o => o.Contains("mqtt connect refused") && o.Contains("attempt 3"), TimeSpan.FromSeconds(60));
        Assert.Contains("--mqtt-password-file", output);
        Assert.DoesNotContain("not-the-password", output);
        string health = await HealthAsync(http, "mqtt connect refused: ");
        Assert.True(health.Contains("mqtt connect refused: bad user name or password", StringComparison.Ordinal)
            || health.Contains("mqtt connect refused: not authorized", StringComparison.Ordinal), health);
        Assert.False(gateway.HasExited);
    }
}
