using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>
/// Turns <see cref="MqttOptions"/> into the broker address, credentials and TLS settings of a client: files are read
/// here, so a missing CA, key or password file stops the start (exit 2) instead of failing every connect.
/// </summary>
public static class MqttClientSecurity
{
    public static void Apply(MqttOptions settings, MqttClientOptions options)
    {
        BrokerAddress address = BrokerAddress.Parse(settings.Url);
        options.Host = address.Host;
        options.Port = address.Port;

        if (address.Username is not null && settings.Username is not null && address.Username != settings.Username)
        {
            throw new GatewayConfigurationException($"Mqtt:Url names user '{address.Username}' but Mqtt:Username is '{settings.Username}': keep one");
        }

        options.Username = settings.Username ?? address.Username;
        string? password = SecretFile.Resolve("Mqtt:Password", settings.Password, "Mqtt:PasswordFile", settings.PasswordFile);
        options.Password = password is null ? null : Encoding.UTF8.GetBytes(password);

        bool tlsFiles = settings.CaFile is { Length: > 0 } || settings.CertFile is { Length: > 0 } || settings.KeyFile is { Length: > 0 };
        if (!address.UseTls)
        {
            if (tlsFiles) throw new GatewayConfigurationException("Mqtt:CaFile, CertFile and KeyFile need an mqtts:// Mqtt:Url");
            options.Tls = null;
            return;
        }

        // Validation stays on: the chain must end at the CA file's certificates (or the system store) and the
        // certificate must name the host of the URL.
        options.Tls = new MqttTlsOptions
        {
            TrustedCertificateAuthorities = settings.CaFile is { Length: > 0 } ca ? ReadAuthorities(ca) : null,
            ClientCertificate = ReadClientCertificate(settings.CertFile, settings.KeyFile),
        };
    }

    private static X509Certificate2Collection ReadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new GatewayConfigurationException($"Mqtt:CaFile: cannot read '{path}': {ex.Message}", ex);
        }

        if (authorities.Count == 0) throw new GatewayConfigurationException($"Mqtt:CaFile: '{path}' holds no PEM certificate");
        return authorities;
    }

    private static X509Certificate2? ReadClientCertificate(string? certFile, string? keyFile)
    {
        bool cert = certFile is { Length: > 0 }, key = keyFile is { Length: > 0 };
        if (!cert && !key) return null;
        if (cert != key) throw new GatewayConfigurationException("Mqtt:CertFile and Mqtt:KeyFile go together: give both or neither");
        try
        {
            return X509Certificate2.CreateFromPemFile(certFile!, keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new GatewayConfigurationException($"Mqtt:CertFile/KeyFile: cannot load '{certFile}' with '{keyFile}': {ex.Message}", ex);
        }
    }
}
