using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>TLS against mosquitto with a private CA made by the test: validation is on unless configured otherwise.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tls-" + Guid.NewGuid().ToString("N"));
    private X509Certificate2 _ca = null!, _client = null!;
    private MosquittoServer _server = null!;
    private int _tlsPort, _mutualPort;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Tracking Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        var (serverCert, serverKey) = Issue("CN=localhost", serverAuth: true);
        (_client, _) = Issue("CN=tag-0001", serverAuth: false);
        await File.WriteAllTextAsync(Path.Combine(_dir, "ca.pem"), _ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.pem"), serverCert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_dir, "server.key"), serverKey);

        _tlsPort = FreePort.Get();
        _mutualPort = FreePort.Get();
        string Tls(int port, bool requireClient) =>
            $"listener {port} 127.0.0.1\ncafile {_dir}/ca.pem\ncertfile {_dir}/server.pem\nkeyfile {_dir}/server.key\n" +
            $"require_certificate {(requireClient ? "true" : "false")}";
        _server = await MosquittoServer.StartAsync(new MosquittoOptions { ExtraConfig = [Tls(_tlsPort, false), Tls(_mutualPort, true)] });
    }

    private (X509Certificate2 Cert, string KeyPem) Issue(string subject, bool serverAuth)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        var cert = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), _ca.NotAfter.AddDays(-1), RandomNumberGenerator.GetBytes(8));
        return (cert.CopyWithPrivateKey(key), key.ExportPkcs8PrivateKeyPem());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private MqttClientOptions Options(int port, MqttTlsOptions tls)
    {
        var o = ClientTestKit.Options("127.0.0.1", port, MqttProtocolVersion.V500);
        o.Tls = tls;
        o.AutoReconnect = false;
        return o;
    }

    [Fact]
    public async Task Connects_when_the_server_certificate_chains_to_the_configured_ca()
    {
        await using var client = await ConnectAsync(Options(_tlsPort, new MqttTlsOptions { TrustedCertificateAuthorities = [_ca] }));
        await client.SubscribeAsync("tls/x");
        await client.PublishAsync("tls/x", Bytes("secret"));
        Assert.Equal("secret", Assert.Single(await ReceiveAsync(client, 1)).Text());
    }

    [Fact]
    public async Task Default_validation_refuses_an_untrusted_server_certificate()
    {
        await using var client = new MqttClient(Options(_tlsPort, new MqttTlsOptions()));
        await Assert.ThrowsAsync<AuthenticationException>(() => client.ConnectAsync());
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused()
    {
        await using var client = new MqttClient(Options(_tlsPort,
            new MqttTlsOptions { TrustedCertificateAuthorities = [_ca], TargetHost = "broker.example.org" }));
        await Assert.ThrowsAsync<AuthenticationException>(() => client.ConnectAsync());
    }

    [Fact]
    public async Task Client_certificate_is_presented_when_the_server_requires_one()
    {
        await using (var without = new MqttClient(Options(_mutualPort, new MqttTlsOptions { TrustedCertificateAuthorities = [_ca] })))
        {
            // The server aborts the handshake (or closes right after it): the connect fails either way.
            await Assert.ThrowsAnyAsync<Exception>(() => without.ConnectAsync());
            Assert.False(without.IsConnected);
        }
        await using var with = await ConnectAsync(Options(_mutualPort,
            new MqttTlsOptions { TrustedCertificateAuthorities = [_ca], ClientCertificate = _client }));
        Assert.True(with.IsConnected);
    }
}
