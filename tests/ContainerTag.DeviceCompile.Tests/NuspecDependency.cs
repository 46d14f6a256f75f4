using Tracking.Testing;

namespace ContainerTag.DeviceCompile.Tests;

/// <summary>
/// One line of nuspec-dependencies.tsv: a dependency a package's .nuspec declares (DependencyId null: the nuspec
/// declares none) and where that nuspec was read.
/// </summary>
public sealed record NuspecDependency(string PackageId, string PackageVersion, string? DependencyId, string? MinimumVersion, string Source, int Line)
{
    public static string DataPath => RepoPaths.Of("tests", "ContainerTag.DeviceCompile.Tests", "nuspec-dependencies.tsv");

    /// <summary>Reads the data file: 5 tab-separated cells; blank lines and lines starting with '#' are skipped.</summary>
    public static IReadOnlyList<NuspecDependency> Read()
    {
        var entries = new List<NuspecDependency>();
        var lines = File.ReadAllLines(DataPath);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var cells = line.Split('\t');
            if (cells.Length != 5)
            {
                throw new FormatException($"{DataPath}:{i + 1}: expected 5 tab-separated cells, found {cells.Length}");
            }
            var none = cells[2] == "-";
            if (none != (cells[3] == "-"))
            {
                throw new FormatException($"{DataPath}:{i + 1}: a dependency id needs a version and '-' needs '-'");
            }
            entries.Add(new NuspecDependency(cells[0], cells[1], none ? null : cells[2], none ? null : cells[3], cells[4], i + 1));
        }
        return entries;
    }
}
