using System.Security.Authentication;
using System.Text;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>The health-problem text for connect failures that are the configuration's fault rather than the network's.</summary>
internal static class BrokerRefusal
{
    /// <summary>"mqtt connect refused: bad user name or password", "mqtt tls handshake failed: ...", or null.</summary>
    public static string? Describe(Exception ex) => ex switch
    {
        MqttConnectException refused => "mqtt connect refused: " + Words(refused.ReasonCode.ToString()),
        AuthenticationException tls => "mqtt tls handshake failed: " + tls.Message,
        _ => null,
    };

    /// <summary>BadUserNameOrPassword -> "bad user name or password".</summary>
    private static string Words(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        foreach (char c in name)
        {
            if (char.IsUpper(c) && text.Length > 0) text.Append(' ');
            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
