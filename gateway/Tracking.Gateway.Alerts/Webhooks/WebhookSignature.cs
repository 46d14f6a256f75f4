using System.Security.Cryptography;
using System.Text;

namespace Tracking.Gateway.Alerts.Webhooks;

/// <summary>
/// <c>X-Tracking-Signature: sha256=&lt;hex&gt;</c>, the lowercase hex HMAC-SHA256 with the webhook's secret of
/// <c>{X-Tracking-Timestamp}.{body}</c>. The timestamp (Unix seconds) is signed with the body so a receiver can refuse
/// an old request replayed by someone who captured it.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Tracking-Signature";
    public const string TimestampHeader = "X-Tracking-Timestamp";
    public const string Prefix = "sha256=";

    public static string Sign(ReadOnlySpan<byte> secret, long timestamp, ReadOnlySpan<byte> body)
    {
        byte[] prefix = Encoding.ASCII.GetBytes(FormattableString.Invariant($"{timestamp}."));
        byte[] material = new byte[prefix.Length + body.Length];
        prefix.CopyTo(material, 0);
        body.CopyTo(material.AsSpan(prefix.Length));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(secret, material));
    }

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(ReadOnlySpan<byte> secret, string timestamp, ReadOnlySpan<byte> body, string signature)
    {
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long ts)) return false;
        byte[] expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>The secret file's content, surrounding whitespace (a trailing newline) removed.</summary>
    public static byte[] ReadSecret(string path) => Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
}
