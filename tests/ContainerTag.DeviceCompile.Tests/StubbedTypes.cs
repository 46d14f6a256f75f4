using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContainerTag.DeviceCompile.Tests;

/// <summary>One line of ReferenceStubs/stubbed-types.tsv: a type the stubs define and where its shape was read.</summary>
public sealed record StubbedType(string FullName, string PackageId, string PackageVersion, string Repository, string Tag, string SourcePath, int Line)
{
    public static string ManifestPath => Path.Combine(DeviceCompiler.StubDir, "stubbed-types.tsv");

    /// <summary>
    /// Reads the manifest: tab-separated full metadata name (nested types with '+'), package id, package version,
    /// source as github.com/owner/repo@tag:path. Blank lines and lines starting with '#' are skipped.
    /// </summary>
    public static IReadOnlyList<StubbedType> ReadManifest()
    {
        var entries = new List<StubbedType>();
        var lines = File.ReadAllLines(ManifestPath);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var cells = line.Split('\t');
            if (cells.Length != 4)
            {
                throw new FormatException($"{ManifestPath}:{i + 1}: expected 4 tab-separated cells, found {cells.Length}");
            }
            var source = cells[3];
            var at = source.IndexOf('@');
            var colon = at < 0 ? -1 : source.IndexOf(':', at);
            if (!source.StartsWith("github.com/", StringComparison.Ordinal) || at < 0 || colon < 0)
            {
                throw new FormatException($"{ManifestPath}:{i + 1}: source '{source}' is not github.com/owner/repo@tag:path");
            }
            entries.Add(new StubbedType(cells[0], cells[1], cells[2], source[..at], source[(at + 1)..colon], source[(colon + 1)..], i + 1));
        }
        return entries;
    }

    /// <summary>Every named type a compilation's own sources define, by full metadata name (nested with '+').</summary>
    public static IReadOnlyDictionary<string, INamedTypeSymbol> DefinedBy(CSharpCompilation compilation)
    {
        var types = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
        void Walk(INamespaceOrTypeSymbol container)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    Walk(ns);
                }
                else if (member is INamedTypeSymbol type && !type.IsImplicitlyDeclared)
                {
                    types[MetadataFullName(type)] = type;
                    Walk(type);
                }
            }
        }
        Walk(compilation.Assembly.GlobalNamespace);
        return types;
    }

    /// <summary>The names among <paramref name="names"/> that the real nanoFramework mscorlib also defines (any accessibility).</summary>
    public static IReadOnlyList<string> AlsoInMscorlib(IEnumerable<string> names)
    {
        var probe = CSharpCompilation.Create("probe", references: [DeviceCompiler.Mscorlib]);
        var mscorlib = (IAssemblySymbol)probe.GetAssemblyOrModuleSymbol(DeviceCompiler.Mscorlib)!;
        return names.Where(n => mscorlib.GetTypeByMetadataName(n) != null).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }

    public static string MetadataFullName(INamedTypeSymbol type) => type.ContainingType != null
        ? MetadataFullName(type.ContainingType) + "+" + type.MetadataName
        : (type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString() + ".") + type.MetadataName;
}
