using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContainerTag.DeviceCompile.Tests;

/// <summary>
/// The stubs stand in only for packages NuGet does not serve here: each stubbed type is listed in
/// ReferenceStubs/stubbed-types.tsv with the package (as pinned in packages.config) and the source file and tag
/// it was read from, and none shadows a type of the real mscorlib 1.17.11 (which is restored, so it is the authority).
/// </summary>
public class StubManifestTests
{
    private static readonly IReadOnlyDictionary<string, INamedTypeSymbol> Defined = StubbedType.DefinedBy(DeviceCompiler.StubCompilation());

    [Fact]
    public void The_stubs_compile_on_their_own_against_the_real_mscorlib()
    {
        var errors = DeviceCompiler.StubCompilation().GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Every_type_the_stubs_define_is_listed_in_the_manifest_and_every_listed_type_is_defined()
    {
        var listed = StubbedType.ReadManifest().Select(e => e.FullName).ToList();
        Assert.True(listed.Count == listed.Distinct(StringComparer.Ordinal).Count(), "duplicate manifest lines: "
            + string.Join(", ", listed.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key)));
        var unlisted = Defined.Keys.Except(listed, StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var missing = listed.Except(Defined.Keys, StringComparer.Ordinal).ToList();
        Assert.True(unlisted.Count == 0 && missing.Count == 0,
            $"stubbed but not in {StubbedType.ManifestPath}: {string.Join(", ", unlisted)}; listed but not stubbed: {string.Join(", ", missing)}");
    }

    [Fact]
    public void No_stub_defines_a_type_the_real_mscorlib_has()
    {
        var shadowing = StubbedType.AlsoInMscorlib(Defined.Keys);
        Assert.True(shadowing.Count == 0, "the real mscorlib 1.17.11 defines these; delete the stubs: " + string.Join(", ", shadowing));
    }

    [Fact]
    public void The_mscorlib_check_finds_a_shadowing_type()
    {
        // Guards the check above: a stub of a type mscorlib has (and a nested one) must be reported.
        var compilation = CSharpCompilation.Create("shadow",
            [CSharpSyntaxTree.ParseText("namespace System { public class SpanByte { } public class Mine { public class Exception { } } } namespace System.Collections { public class ArrayList { } }")],
            [DeviceCompiler.Mscorlib]);
        var found = StubbedType.AlsoInMscorlib(StubbedType.DefinedBy(compilation).Keys);
        Assert.Equal(["System.Collections.ArrayList", "System.SpanByte"], found);
    }

    [Fact]
    public void Every_manifest_entry_names_a_package_pinned_in_packages_config_that_is_not_CoreLibrary()
    {
        var pinned = PackagesConfig.Read(PackagesConfig.DevicePath).ToDictionary(p => p.Id, p => p.Version, StringComparer.Ordinal);
        var wrong = StubbedType.ReadManifest()
            .Where(e => e.PackageId == "nanoFramework.CoreLibrary" || !pinned.TryGetValue(e.PackageId, out var v) || v != e.PackageVersion)
            .Select(e => $"line {e.Line}: {e.FullName} from {e.PackageId} {e.PackageVersion}")
            .ToList();
        Assert.True(wrong.Count == 0, "not a non-CoreLibrary package id+version of packages.config: " + string.Join("; ", wrong));
    }

    [Fact]
    public void Each_stub_file_header_names_the_repository_tag_and_source_file_of_every_type_it_defines()
    {
        var byName = StubbedType.ReadManifest().ToDictionary(e => e.FullName, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, symbol) in Defined)
        {
            if (!byName.TryGetValue(name, out var entry))
            {
                continue; // reported by the manifest test
            }
            foreach (var location in symbol.Locations.Where(l => l.IsInSource))
            {
                var header = Header(location.SourceTree!);
                var file = Path.GetFileName(entry.SourcePath);
                foreach (var needle in new[] { entry.Repository, entry.Tag, file })
                {
                    if (!header.Contains(needle, StringComparison.Ordinal))
                    {
                        problems.Add($"{Path.GetFileName(location.SourceTree!.FilePath)}: header does not name '{needle}' ({name})");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
    }

    [Fact]
    public void The_stubs_keep_the_shapes_the_real_packages_have()
    {
        // Spot checks of what the earlier hand-written stubs got wrong (issue 10 section 1).
        var deviceFunction = Defined["nanoFramework.Hardware.Esp32.DeviceFunction"];
        Assert.Equal(SpecialType.System_Int32, deviceFunction.EnumUnderlyingType!.SpecialType);
        Assert.Equal(0x20100, Constant(deviceFunction, "I2C1_DATA"));
        Assert.Equal(0x20101, Constant(deviceFunction, "I2C1_CLOCK"));
        Assert.Equal(0x50106, Constant(deviceFunction, "ADC1_CH6"));
        Assert.False(Defined["nanoFramework.Hardware.Esp32.Configuration"].IsStatic);
        Assert.Equal(SpecialType.System_UInt64, Defined["nanoFramework.Hardware.Esp32.Sleep+WakeupGpioPin"].EnumUnderlyingType!.SpecialType);
        Assert.Equal(SpecialType.System_Int32, Defined["nanoFramework.M2Mqtt.Messages.MqttQoSLevel"].EnumUnderlyingType!.SpecialType);
        Assert.Equal(SpecialType.System_Int32, Defined["nanoFramework.M2Mqtt.Messages.MqttReasonCode"].EnumUnderlyingType!.SpecialType);
        Assert.Equal(SpecialType.System_Byte, Defined["Iot.Device.Bmxx80.Sampling"].EnumUnderlyingType!.SpecialType);
        Assert.True(Defined["System.Device.I2c.I2cConnectionSettings"].IsSealed);
        Assert.True(Defined["System.Device.Gpio.GpioController"].IsSealed);
        Assert.True(Defined["System.Device.Gpio.GpioPin"].IsSealed);
        Assert.DoesNotContain(Defined["System.Device.Gpio.GpioPin"].InstanceConstructors, c => c.DeclaredAccessibility == Accessibility.Public);
        Assert.DoesNotContain(Defined["System.Device.Adc.AdcChannel"].InstanceConstructors, c => c.DeclaredAccessibility == Accessibility.Public);
        Assert.DoesNotContain(Defined["System.Net.NetworkInformation.Wireless80211Configuration"].InstanceConstructors, c => c.Parameters.Length == 0);
        Assert.DoesNotContain(Defined["Iot.Device.Bmxx80.ReadResult.Bme280ReadResult"].InstanceConstructors, c => c.Parameters.Length == 0);
        Assert.Equal("System.MarshalByRefObject", Defined["System.IO.Stream"].BaseType!.ToDisplayString());
        Assert.True(Defined["System.Collections.DictionaryEntry"].TypeKind == TypeKind.Class);
    }

    [Fact]
    public void The_firmware_README_gives_each_stubbed_package_with_its_count_of_stubbed_types()
    {
        // firmware/README.md "Device compile on the host": | package | version | source | count | rows.
        var readme = File.ReadAllLines(Tracking.Testing.RepoPaths.Of("firmware", "README.md"));
        var rows = readme.Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Where(c => c.Length == 6 && int.TryParse(c[4], out _))
            .Select(c => $"{c[1]} {c[2]} {c[4]}")
            .Order(StringComparer.Ordinal).ToList();
        var expected = StubbedType.ReadManifest().GroupBy(e => (e.PackageId, e.PackageVersion))
            .Select(g => $"{g.Key.PackageId} {g.Key.PackageVersion} {g.Count()}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, rows);
    }

    private static object? Constant(INamedTypeSymbol type, string member) =>
        type.GetMembers(member).OfType<IFieldSymbol>().Single().ConstantValue;

    private static string Header(SyntaxTree tree) =>
        string.Concat(tree.GetRoot().GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia)).Select(t => t.ToString() + "\n"));
}
