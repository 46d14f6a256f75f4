using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tracking.Testing;

namespace ContainerTag.DeviceCompile.Tests;

/// <summary>
/// Compiles the device app and Core with Roslyn against the reference stubs of the nanoFramework
/// packages NuGet does not serve here (ReferenceStubs/, signature copies of the APIs the device code uses)
/// and the real mscorlib.dll of nanoFramework.CoreLibrary 1.17.11, restored by NuGet: no host reference
/// assemblies at all, so a type mscorlib lacks (Hashtable, Math, X509Certificate) must come from a stub.
/// </summary>
public static class DeviceCompiler
{
    public static string DeviceDir => RepoPaths.Of("firmware", "ContainerTag");
    public static string CoreDir => RepoPaths.Of("firmware", "ContainerTag.Core");
    public static string StubDir => RepoPaths.Of("tests", "ContainerTag.DeviceCompile.Tests", "ReferenceStubs");

    public static IReadOnlyList<(string Path, string Code)> Sources(string directory) =>
        Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (f, File.ReadAllText(f)))
            .ToList();

    /// <summary>Errors of compiling the sources together with the stubs (warnings are ignored).</summary>
    public static IReadOnlyList<Diagnostic> Errors(IEnumerable<(string Path, string Code)> sources)
    {
        // One language version per compilation; the stubs mirror package sources built with a newer
        // compiler (M2Mqtt nests delegates in an interface). Language features of the device code are
        // the subset checker's job (tests/ContainerTag.Tests).
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Concat(Sources(StubDir))
            .Select(s => CSharpSyntaxTree.ParseText(s.Code, options, s.Path))
            .ToList();
        var references = new[] { MetadataReference.CreateFromFile(typeof(DeviceCompiler).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false).Cast<System.Reflection.AssemblyMetadataAttribute>().First(a => a.Key == "NanoMscorlib").Value!) };
        var compilation = CSharpCompilation.Create("ContainerTag", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    public static IReadOnlyList<(string Path, string Code)> DeviceAndCore() => Sources(DeviceDir).Concat(Sources(CoreDir)).ToList();
}
