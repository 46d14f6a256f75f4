using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContainerTag.Tests.Subset;

/// <summary>
/// The public types of the real nanoFramework mscorlib.dll (nanoFramework.CoreLibrary 1.17.11, restored by NuGet;
/// path recorded at build time): what the subset checker may not call missing, whatever its own lists say.
/// </summary>
public static class NanoMscorlib
{
    private static readonly Lazy<IReadOnlyDictionary<string, INamedTypeSymbol>> LazyTypes = new(Load);

    public static string Path => typeof(NanoMscorlib).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "NanoMscorlib").Value!;

    /// <summary>Public types by full metadata name (generic arity as `n, nested types with '+').</summary>
    public static IReadOnlyDictionary<string, INamedTypeSymbol> Types => LazyTypes.Value;

    public static bool Has(string metadataFullName) => Types.ContainsKey(metadataFullName);

    public static string MetadataFullName(INamedTypeSymbol type) => type.ContainingType != null
        ? MetadataFullName(type.ContainingType) + "+" + type.MetadataName
        : (type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString() + ".") + type.MetadataName;

    private static IReadOnlyDictionary<string, INamedTypeSymbol> Load()
    {
        var reference = MetadataReference.CreateFromFile(Path);
        var compilation = CSharpCompilation.Create("mscorlib-probe", references: [reference]);
        var assembly = (IAssemblySymbol)compilation.GetAssemblyOrModuleSymbol(reference)!;
        var types = new Dictionary<string, INamedTypeSymbol>(StringComparer.Ordinal);
        void Walk(INamespaceOrTypeSymbol container)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns)
                {
                    Walk(ns);
                }
                else if (member is INamedTypeSymbol { DeclaredAccessibility: Accessibility.Public } type)
                {
                    types[MetadataFullName(type)] = type;
                    Walk(type);
                }
            }
        }
        Walk(assembly.GlobalNamespace);
        return types;
    }
}
