using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tracking.Mqtt;

namespace TagSimulator.Uplink;

/// <summary>
/// How the simulator authenticates to a broker made by deploy/broker-config: TLS with the broker's CA (validation always
/// on), an account (sim.{fleet}) whose password comes from a file, and optionally a client certificate. Files are read
/// when applied, so a missing one stops the run before the first connect.
/// </summary>
public sealed class BrokerSecurity
{
    public bool Tls { get; init; }
    /// <summary>PEM CA the broker's certificate must chain to; the system store when null.</summary>
    public string? CaFile { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public string? Username { get; init; }
    /// <summary>The password's file (one trailing newline dropped): never on the command line, where ps shows it.</summary>
    public string? PasswordFile { get; init; }

    public static BrokerSecurity None { get; } = new();

    public void Apply(MqttClientOptions options)
    {
        if ((CertFile is null) != (KeyFile is null)) throw new ArgumentException("--cert-file and --key-file go together");
        if (!Tls && (CaFile ?? CertFile) is not null) throw new ArgumentException("--ca-file, --cert-file and --key-file need an mqtts:// broker");
        if (PasswordFile is not null && Username is null) throw new ArgumentException("--password-file needs --username");
        options.Username = Username;
        if (PasswordFile is not null)
        {
            string password = File.ReadAllText(PasswordFile);
            if (password.EndsWith('\n')) password = password[..^1];
            options.Password = Encoding.UTF8.GetBytes(password);
        }

        if (!Tls) return;
        X509Certificate2Collection? authorities = null;
        if (CaFile is not null)
        {
            authorities = [];
            authorities.ImportFromPemFile(CaFile);
            if (authorities.Count == 0) throw new ArgumentException($"--ca-file: '{CaFile}' holds no PEM certificate");
        }

        options.Tls = new MqttTlsOptions
        {
            TrustedCertificateAuthorities = authorities,
            ClientCertificate = CertFile is null ? null : X509Certificate2.CreateFromPemFile(CertFile, KeyFile),
        };
    }
}
