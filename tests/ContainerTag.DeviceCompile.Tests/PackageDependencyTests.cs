namespace ContainerTag.DeviceCompile.Tests;

/// <summary>
/// packages.config lists a nanoFramework project's packages flat, transitive ones included, and nothing resolves
/// them again: a package built against a newer dependency than the one pinned (Hardware.Esp32 1.6.42 against
/// Runtime.Events 1.11.39 while 1.11.37 was pinned) only shows up when the device refuses the deployment. The
/// dependencies are read from each package's nuspec at its source tag (nuspec-dependencies.tsv, cited per line).
/// </summary>
public class PackageDependencyTests
{
    private static readonly IReadOnlyList<PinnedPackage> Pinned = PackagesConfig.Read(PackagesConfig.DevicePath);
    private static readonly IReadOnlyList<NuspecDependency> Nuspecs = NuspecDependency.Read();

    [Fact]
    public void Every_pinned_package_has_its_nuspec_recorded_at_the_pinned_version_and_nothing_else_is_recorded()
    {
        var pinned = Pinned.Select(p => p.Id + " " + p.Version).ToHashSet(StringComparer.Ordinal);
        var recorded = Nuspecs.Select(d => d.PackageId + " " + d.PackageVersion).ToHashSet(StringComparer.Ordinal);
        var notRecorded = pinned.Except(recorded).Order(StringComparer.Ordinal).ToList();
        var notPinned = recorded.Except(pinned).Order(StringComparer.Ordinal).ToList();
        Assert.True(notRecorded.Count == 0 && notPinned.Count == 0,
            $"pinned without a nuspec in {NuspecDependency.DataPath}: {string.Join(", ", notRecorded)}; recorded but not pinned: {string.Join(", ", notPinned)}");
    }

    [Fact]
    public void Every_recorded_package_cites_one_nuspec()
    {
        var mixed = Nuspecs.GroupBy(d => d.PackageId).Where(g => g.Select(d => d.Source).Distinct().Count() != 1).Select(g => g.Key).ToList();
        var uncited = Nuspecs.Where(d => !d.Source.StartsWith("github.com/", StringComparison.Ordinal) || !d.Source.Contains('@') || !d.Source.EndsWith(".nuspec", StringComparison.Ordinal))
            .Select(d => $"line {d.Line}: {d.Source}").ToList();
        Assert.True(mixed.Count == 0 && uncited.Count == 0, $"more than one source: {string.Join(", ", mixed)}; not github.com/owner/repo@ref:path.nuspec: {string.Join("; ", uncited)}");
    }

    [Fact]
    public void Every_nuspec_dependency_is_pinned_at_its_minimum_version_or_above()
    {
        Assert.Empty(Inconsistencies(Pinned, Nuspecs));
    }

    [Fact]
    public void The_check_reports_a_dependency_pinned_below_its_minimum_and_one_not_pinned()
    {
        // Guards the check above with the case that was in packages.config (Runtime.Events 1.11.37 under
        // Hardware.Esp32 1.6.42) and a dependency missing altogether.
        PinnedPackage[] pinned = [new("nanoFramework.Hardware.Esp32", "1.6.42"), new("nanoFramework.Runtime.Events", "1.11.37")];
        NuspecDependency[] nuspecs =
        [
            new("nanoFramework.Hardware.Esp32", "1.6.42", "nanoFramework.Runtime.Events", "1.11.39", "github.com/x/y@v:a.nuspec", 1),
            new("nanoFramework.Hardware.Esp32", "1.6.42", "nanoFramework.CoreLibrary", "1.17.11", "github.com/x/y@v:a.nuspec", 2),
            new("nanoFramework.Runtime.Events", "1.11.37", null, null, "github.com/x/z@v:b.nuspec", 3),
        ];
        Assert.Equal(
            [
                "nanoFramework.Hardware.Esp32 1.6.42 needs nanoFramework.CoreLibrary >= 1.17.11, not pinned",
                "nanoFramework.Hardware.Esp32 1.6.42 needs nanoFramework.Runtime.Events >= 1.11.39, pinned 1.11.37",
            ],
            Inconsistencies(pinned, nuspecs));
        pinned[1] = new("nanoFramework.Runtime.Events", "1.11.40");
        Assert.Equal(["nanoFramework.Hardware.Esp32 1.6.42 needs nanoFramework.CoreLibrary >= 1.17.11, not pinned"], Inconsistencies(pinned, nuspecs));
    }

    [Fact]
    public void Every_reference_of_the_nfproj_points_into_a_pinned_package_and_every_pinned_package_is_referenced()
    {
        // HintPaths carry the version (..\packages\<id>.<version>\lib\<assembly>.dll): a pin moved in
        // packages.config alone leaves the project building against a folder that is no longer restored.
        var folders = Pinned.ToDictionary(p => p.Id + "." + p.Version, p => p, StringComparer.Ordinal);
        var used = new HashSet<PinnedPackage>();
        var stray = new List<string>();
        foreach (var hint in PackagesConfig.HintPaths(PackagesConfig.NfprojPath))
        {
            var parts = hint.Split('\\');
            if (parts.Length == 5 && parts[0] == ".." && parts[1] == "packages" && parts[3] == "lib" && folders.TryGetValue(parts[2], out var package))
            {
                used.Add(package);
            }
            else
            {
                stray.Add(hint);
            }
        }
        var unreferenced = Pinned.Where(p => !used.Contains(p)).Select(p => p.Id + " " + p.Version).ToList();
        Assert.True(stray.Count == 0 && unreferenced.Count == 0,
            $"HintPaths outside the pinned packages: {string.Join(", ", stray)}; pinned packages no Reference uses: {string.Join(", ", unreferenced)}");
    }

    [Fact]
    public void The_Adxl343_binding_is_not_pinned_as_the_firmware_drives_the_chip_through_Core()
    {
        // Core's Adxl343Chip writes the registers itself (the binding maps the interrupt registers wrongly);
        // the binding, and System.Numerics and UnitsNet Mass that only it needed, are not deployed.
        Assert.DoesNotContain(Pinned, p => p.Id is "nanoFramework.Iot.Device.Adxl343" or "nanoFramework.System.Numerics" or "UnitsNet.nanoFramework.Mass");
        Assert.DoesNotContain(DeviceCompiler.DeviceAndCore(), s => s.Code.Contains("Iot.Device.Adxl343Lib", StringComparison.Ordinal)); // the binding's namespace
    }

    public static IReadOnlyList<string> Inconsistencies(IReadOnlyList<PinnedPackage> pinned, IReadOnlyList<NuspecDependency> nuspecs)
    {
        var versions = pinned.ToDictionary(p => p.Id, p => p.Version, StringComparer.Ordinal);
        return nuspecs
            .Where(d => d.DependencyId != null)
            .Select(d => !versions.TryGetValue(d.DependencyId!, out var version)
                ? $"{d.PackageId} {d.PackageVersion} needs {d.DependencyId} >= {d.MinimumVersion}, not pinned"
                : Version.Parse(version) < Version.Parse(d.MinimumVersion!)
                    ? $"{d.PackageId} {d.PackageVersion} needs {d.DependencyId} >= {d.MinimumVersion}, pinned {version}"
                    : null)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
