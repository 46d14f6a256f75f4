namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>Secrets come from files (mode 0600, a Kubernetes/Docker secret), never from the command line.</summary>
public static class SecretFile
{
    /// <summary>
    /// The file's text without one trailing newline (what <c>echo secret &gt; file</c> adds); a missing, unreadable or
    /// empty file is a configuration error naming the key and the path, never the content.
    /// </summary>
    public static string Read(string key, string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new GatewayConfigurationException($"{key}: cannot read '{path}': {ex.Message}", ex);
        }

        if (text.EndsWith("\r\n", StringComparison.Ordinal)) text = text[..^2];
        else if (text.EndsWith('\n')) text = text[..^1];
        if (text.Length == 0) throw new GatewayConfigurationException($"{key}: '{path}' is empty");
        return text;
    }

    /// <summary>The secret from <paramref name="fileKey"/>'s file, else the inline value; both set is an error.</summary>
    public static string? Resolve(string inlineKey, string? inline, string fileKey, string? file)
    {
        if (string.IsNullOrEmpty(file)) return inline;
        if (inline is not null) throw new GatewayConfigurationException($"{inlineKey} and {fileKey} are both set: keep only {fileKey}");
        return Read(fileKey, file);
    }
}
