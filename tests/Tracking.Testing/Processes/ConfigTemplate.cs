namespace Tracking.Testing.Processes;

/// <summary>The server config templates in scripts/config/, embedded at build time, with {{KEY}} placeholders.</summary>
internal static class ConfigTemplate
{
    public static string Render(string templateName, IReadOnlyDictionary<string, string> values)
    {
        var resource = $"Tracking.Testing.Config.{templateName}";
        using var stream = typeof(ConfigTemplate).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded config template {resource} missing");
        var text = new StreamReader(stream).ReadToEnd();
        foreach (var (key, value) in values) text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        if (text.Contains("{{", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{templateName}: placeholder left unfilled in\n{text}");
        }
        return text;
    }
}
