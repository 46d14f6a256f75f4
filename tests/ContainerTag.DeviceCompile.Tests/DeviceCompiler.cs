using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tracking.Testing;

namespace ContainerTag.DeviceCompile.Tests;

/// <summary>
/// Compiles the device app and Core with Roslyn against the real mscorlib.dll of nanoFramework.CoreLibrary
/// 1.17.11 (restored by NuGet) and a reference assembly built from ReferenceStubs/ (signature copies of the
/// nanoFramework packages NuGet does not serve here): no host reference assemblies at all, so a type mscorlib
/// lacks (Hashtable, Math, X509Certificate) must come from a stub. The stubs are a separate assembly, as the real
/// packages are, so their internal members (GpioPin's constructor, setters) are out of the device code's reach.
/// </summary>
public static class DeviceCompiler
{
    private static readonly Lazy<MetadataReference> StubAssembly = new(BuildStubAssembly);

    public static string DeviceDir => RepoPaths.Of("firmware", "ContainerTag");
    public static string CoreDir => RepoPaths.Of("firmware", "ContainerTag.Core");
    public static string StubDir => RepoPaths.Of("tests", "ContainerTag.DeviceCompile.Tests", "ReferenceStubs");

    /// <summary>The real nanoFramework mscorlib.dll (path recorded at build time from the NuGet package).</summary>
    public static string MscorlibPath => typeof(DeviceCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "NanoMscorlib").Value!;

    public static MetadataReference Mscorlib { get; } = MetadataReference.CreateFromFile(MscorlibPath);

    /// <summary>The stubs compiled on their own against the real mscorlib (throws with the errors if they do not compile).</summary>
    public static MetadataReference Stubs => StubAssembly.Value;

    public static IReadOnlyList<(string Path, string Code)> Sources(string directory) =>
        Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllText(f)))
            .ToList();

    /// <summary>The stubs as a compilation of their own (for the tests that inspect what they define).</summary>
    public static CSharpCompilation StubCompilation() => Compile("ReferenceStubs", Sources(StubDir), [Mscorlib]);

    /// <summary>Errors of compiling the sources against mscorlib and the stub assembly (warnings are ignored).</summary>
    public static IReadOnlyList<Diagnostic> Errors(IEnumerable<(string Path, string Code)> sources) =>
        Compile("ContainerTag", sources, [Mscorlib, Stubs]).GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    public static IReadOnlyList<(string Path, string Code)> DeviceAndCore() => Sources(DeviceDir).Concat(Sources(CoreDir)).ToList();

    private static CSharpCompilation Compile(string name, IEnumerable<(string Path, string Code)> sources, MetadataReference[] references)
    {
        // One language version per compilation; the stubs mirror package sources built with a newer
        // compiler (M2Mqtt nests delegates in an interface). Language features of the device code are
        // the subset checker's job (tests/ContainerTag.Tests).
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Code, options, s.Path)).ToList();
        return CSharpCompilation.Create(name, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
    }

    private static MetadataReference BuildStubAssembly()
    {
        using var image = new MemoryStream();
        var result = StubCompilation().Emit(image);
        if (!result.Success)
        {
            throw new InvalidOperationException("the reference stubs do not compile against the real mscorlib:" + Environment.NewLine
                + string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        return MetadataReference.CreateFromImage(image.ToArray());
    }
}
