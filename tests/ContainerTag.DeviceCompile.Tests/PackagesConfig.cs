using System.Xml.Linq;
using Tracking.Testing;

namespace ContainerTag.DeviceCompile.Tests;

/// <summary>A package pinned in a packages.config (or a dependency a nuspec declares).</summary>
public sealed record PinnedPackage(string Id, string Version);

/// <summary>Reads the device app's packages.config and the HintPaths of its .nfproj.</summary>
public static class PackagesConfig
{
    public static string DevicePath => RepoPaths.Of("firmware", "ContainerTag", "packages.config");
    public static string NfprojPath => RepoPaths.Of("firmware", "ContainerTag", "ContainerTag.nfproj");

    public static IReadOnlyList<PinnedPackage> Read(string path) =>
        XDocument.Load(path).Root!.Elements("package")
            .Select(p => new PinnedPackage((string)p.Attribute("id")!, (string)p.Attribute("version")!))
            .ToList();

    /// <summary>Every Reference HintPath of the project file, as written.</summary>
    public static IReadOnlyList<string> HintPaths(string nfprojPath)
    {
        XNamespace ns = "http://schemas.microsoft.com/developer/msbuild/2003";
        return XDocument.Load(nfprojPath).Descendants(ns + "HintPath").Select(h => h.Value.Trim()).ToList();
    }
}
