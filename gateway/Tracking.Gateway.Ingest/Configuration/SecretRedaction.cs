namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>Keeps secrets out of what the gateway prints (--print-config, configuration errors).</summary>
public static class SecretRedaction
{
    public const string Mask = "***";

    /// <summary>Keys whose value is itself a secret (file keys name a path, which is not).</summary>
    public static bool IsSecretKey(string key) =>
        key.EndsWith("Password", StringComparison.OrdinalIgnoreCase) || key.EndsWith("Token", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as it may be printed: masked for a secret key, a URL without its user info.</summary>
    public static string? Value(string key, string? value) =>
        value is null ? null : IsSecretKey(key) ? Mask : Url(value);

    /// <summary><paramref name="text"/> with the user info of a URL (user:password@) replaced by the mask.</summary>
    public static string Url(string text)
    {
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return text;
        int start = scheme + 3;
        int end = text.IndexOfAny(['/', '?', '#'], start);
        if (end < 0) end = text.Length;
        // The last '@' of the authority ends the user info (a password may contain '@' unescaped).
        int at = text.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? text : string.Concat(text.AsSpan(0, start), Mask, text.AsSpan(at));
    }
}
