namespace Tracking.Testing;

/// <summary>Locations inside the checkout the tests run from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The checkout root: the nearest directory above the test binaries that holds Tracking.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>A path inside the checkout.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tracking.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Tracking.sln not found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}: run the tests from inside the checkout.");
    }
}
