using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Tracking.Mqtt;

public sealed class MqttTlsOptions
{
    /// <summary>Name the server certificate must carry; defaults to <see cref="MqttClientOptions.Host"/>.</summary>
    public string? TargetHost { get; set; }
    public X509Certificate2? ClientCertificate { get; set; }
    /// <summary>Extra trust anchors (a private CA); the system store is used when empty.</summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; set; }
    /// <summary>Replaces the default validation, which rejects any certificate error.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }
}
