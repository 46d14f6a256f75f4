using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tracking.Testing;

/// <summary>
/// A throw-away PKI in PEM files under TEMP/tracking-tests/: a CA, a server certificate for the given names (subject
/// alternative names, which TLS clients check) and a client certificate, all signed by the CA; P-256 keys, PKCS#8.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");
    public string ServerCertFile => Path.Combine(Directory, "server.pem");
    public string ServerKeyFile => Path.Combine(Directory, "server.key");
    public string ClientCertFile => Path.Combine(Directory, "client.pem");
    public string ClientKeyFile => Path.Combine(Directory, "client.key");

    /// <summary>The TLS listener settings of mosquitto for these files.</summary>
    public MosquittoTls MosquittoTls(bool requireClientCertificate = false) => new()
    {
        CaFile = CaFile, CertFile = ServerCertFile, KeyFile = ServerKeyFile, RequireClientCertificate = requireClientCertificate,
    };

    /// <summary>Creates the files; <paramref name="serverNames"/> are DNS names or IP addresses (default 127.0.0.1 and localhost).</summary>
    public static TestCertificates Create(params string[] serverNames)
    {
        if (serverNames.Length == 0) serverNames = ["127.0.0.1", "localhost"];
        var directory = Path.Combine(Path.GetTempPath(), "tracking-tests", "pki-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var pki = new TestCertificates(directory);
        DateTimeOffset now = DateTimeOffset.UtcNow;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Tracking test CA " + Guid.NewGuid().ToString("N")[..8], caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        File.WriteAllText(pki.CaFile, ca.ExportCertificatePem() + "\n");

        var san = new SubjectAlternativeNameBuilder();
        foreach (string name in serverNames)
        {
            if (IPAddress.TryParse(name, out IPAddress? ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }

        Issue(ca, "CN=" + serverNames[0], san.Build(), "1.3.6.1.5.5.7.3.1", pki.ServerCertFile, pki.ServerKeyFile, now);  // serverAuth
        Issue(ca, "CN=tracking-gateway", null, "1.3.6.1.5.5.7.3.2", pki.ClientCertFile, pki.ClientKeyFile, now);    // clientAuth
        return pki;
    }

    private static void Issue(X509Certificate2 ca, string subject, X509Extension? san, string usage, string certFile, string keyFile, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        using X509Certificate2 cert = request.Create(ca, now.AddHours(-1), now.AddDays(29), serial);
        File.WriteAllText(certFile, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
