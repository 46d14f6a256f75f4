namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// Rules:Store:PostgresConnectionFile: the connection string comes from a file (mode 0600, a Kubernetes or Docker secret)
/// because it holds the password; messages name the file, never its content.
/// </summary>
public static class PostgresConnectionFile
{
    public const string Key = RuleStoreOptions.SectionName + ":PostgresConnectionFile";

    /// <summary>The file's text without one trailing newline (what <c>echo ... &gt; file</c> adds).</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read or is empty.</exception>
    public static string Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"{Key}: cannot read '{path}': {e.Message}", e);
        }
        text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.TrimEnd('\n');
        if (text.Trim().Length == 0) throw new InvalidOperationException($"{Key}: '{path}' is empty");
        return text;
    }
}
