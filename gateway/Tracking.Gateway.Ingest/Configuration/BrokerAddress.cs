namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>What <see cref="MqttOptions.Url"/> says: where the broker is, whether to use TLS, and a user name if it names one.</summary>
public sealed record BrokerAddress(string Host, int Port, bool UseTls, string? Username)
{
    public const int PlainPort = 1883, TlsPort = 8883;

    /// <summary>Refuses anything but mqtt:// and mqtts://, and a password in the URL; messages never repeat a secret.</summary>
    public static BrokerAddress Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("mqtt" or "mqtts") || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"Mqtt:Url must look like mqtt://host:port or mqtts://host:port, not '{SecretRedaction.Url(url)}'");
        }

        string? username = null;
        if (uri.UserInfo.Length > 0)
        {
            // A password in a URL ends up in shell history, process lists and --print-config output.
            if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException("Mqtt:Url must not contain a password: put it in a file and pass --mqtt-password-file (user name: --mqtt-username)");
            }

            username = Uri.UnescapeDataString(uri.UserInfo);
        }

        bool tls = uri.Scheme == "mqtts";
        int port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? TlsPort : PlainPort) : uri.Port;
        return new BrokerAddress(uri.Host, port, tls, username);
    }
}
