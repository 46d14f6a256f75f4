using System.Security.Cryptography;
using System.Text.Json;

namespace Tracking.Provisioning;

/// <summary>
/// The tag's MQTT account (docs/security.md): user name <c>{fleet}/{container}/{tag}</c>, which the broker's ACL patterns
/// (deploy/broker-config) turn into the tag's own topics, and a random password. It lives in tag.json (mode 0600) and in
/// the broker's password file as a hash; it is never printed.
/// </summary>
internal sealed record TagCredential(string Username, string Password)
{
    /// <summary>24 random bytes, base64url: 192 bits, and no character JSON, a shell or the password file treats specially.</summary>
    public static string NewPassword() => Base64Url(RandomNumberGenerator.GetBytes(24));

    public static string UsernameOf(ProvisionOptions o) => $"{o.Fleet}/{o.Container}/{o.Tag}";

    /// <summary>
    /// The credential of an earlier run for the same tag (its tag.json), else a new one: re-provisioning to change the
    /// config must not lock out a tag that already holds the registered password.
    /// </summary>
    public static TagCredential For(ProvisionOptions o, string tagJsonPath)
    {
        string user = UsernameOf(o);
        try
        {
            using JsonDocument old = JsonDocument.Parse(File.ReadAllBytes(tagJsonPath));
            if (old.RootElement.TryGetProperty("mqtt_user", out JsonElement u) && u.GetString() == user
                && old.RootElement.TryGetProperty("mqtt_password", out JsonElement p) && p.GetString() is { Length: >= 16 } password)
            {
                return new TagCredential(user, password);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            // none or unreadable: a new credential
        }

        return new TagCredential(user, NewPassword());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
