using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContainerTag.Tests.Subset;

public sealed record SubsetViolation(string File, int Line, string Rule, string Text)
{
    public override string ToString() => $"{File}:{Line}: {Rule}: {Text}";
}

/// <summary>
/// Checks C# sources against the nanoFramework 1.x subset (CoreLibrary 1.x: no LINQ, async/Task, Span,
/// tuples, records, dynamic, stackalloc, newer pattern/collection features; no generic types but the
/// delegates mscorlib declares) with Roslyn. Two layers: syntax rules that hold whatever the references,
/// and a semantic pass that binds the names against the host BCL and requires every framework type used
/// to be one that nanoFramework has. Names that do not bind on the host (device-only packages such as
/// nanoFramework.Hardware.Esp32) are left to the syntax rules, so the same checker serves the device app
/// (firmware/ContainerTag) too.
/// Defence in depth only: tests/ContainerTag.DeviceCompile.Tests compiles the firmware against the real
/// mscorlib.dll, and the checker takes that mscorlib as the authority too (<see cref="NanoMscorlib"/>): a type it
/// has is never flagged, and SubsetCheckerTests fails if a denied name below is one it has.
/// </summary>
public sealed class NanoSubsetChecker
{
    /// <summary>
    /// Framework types of the System.* packages the firmware may use (nanoFramework.System.Collections, .Text,
    /// .Math, .IO.FileSystem, .IO.Streams, .Threading). Types of the real mscorlib are allowed without being
    /// listed; the mscorlib ones listed here predate that and are kept as they are.
    /// </summary>
    public static readonly HashSet<string> AllowedFrameworkTypes = new(StringComparer.Ordinal)
    {
        "System.Object", "System.String", "System.Boolean", "System.Byte", "System.SByte", "System.Char",
        "System.Int16", "System.UInt16", "System.Int32", "System.UInt32", "System.Int64", "System.UInt64",
        "System.Single", "System.Double", "System.Void", "System.Array", "System.Math", "System.Enum",
        "System.Exception", "System.ArgumentException", "System.ArgumentNullException", "System.ArgumentOutOfRangeException",
        "System.InvalidOperationException", "System.NotSupportedException", "System.NotImplementedException",
        "System.IndexOutOfRangeException", "System.FormatException", "System.ObjectDisposedException",
        "System.IO.IOException", "System.BitConverter", "System.Convert", "System.DateTime", "System.TimeSpan",
        "System.Guid", "System.Delegate", "System.MulticastDelegate", "System.EventArgs", "System.EventHandler",
        "System.IDisposable", "System.Attribute", "System.FlagsAttribute", "System.ObsoleteAttribute", "System.Random",
        "System.Collections.ArrayList", "System.Collections.Hashtable", "System.Collections.ICollection",
        "System.Collections.IEnumerable", "System.Collections.IEnumerator", "System.Collections.IList",
        "System.Collections.IDictionary", "System.Collections.DictionaryEntry", "System.Collections.Queue",
        "System.Collections.Stack", "System.Text.StringBuilder", "System.Text.Encoding", "System.Text.UTF8Encoding",
        "System.Threading.Thread", "System.Threading.Timer", "System.Threading.AutoResetEvent",
        "System.Threading.ManualResetEvent", "System.Threading.WaitHandle", "System.Threading.Monitor",
        "System.Threading.Interlocked", "System.Diagnostics.Debug",
        // Device app only (firmware/ContainerTag): types of the nanoFramework.System.IO.FileSystem,
        // .System.IO.Streams and .System.Threading packages that the host BCL also has.
        "System.IO.File", "System.IO.Directory", "System.IO.Path", "System.IO.FileStream", "System.IO.Stream",
        "System.IO.FileMode", "System.IO.FileAccess", "System.IO.SeekOrigin",
        "System.Threading.CancellationTokenSource", "System.Threading.CancellationToken",
        // .NET declares ManualResetEvent.Set/Reset on this base; nanoFramework on ManualResetEvent itself.
        "System.Threading.EventWaitHandle",
    };

    /// <summary>
    /// Members that exist on .NET but not in nanoFramework 1.x ("Type.Member"): none is a public member of the
    /// real mscorlib 1.17.11 (SubsetCheckerTests), and the Math ones are not in nanoFramework.System.Math 1.5.116
    /// (github.com/nanoframework/System.Math@v1.5.116:nanoFramework.System.Math/Math.cs, which has Clamp).
    /// </summary>
    public static readonly HashSet<string> DeniedMembers = new(StringComparer.Ordinal)
    {
        "String.Create", "Array.Empty", "Math.Log2", "Math.FusedMultiplyAdd", "Math.BitIncrement",
        "String.Join", "Array.Fill", "Array.Resize", "Array.Sort",
        "Environment.TickCount64", "DateTime.Now",
        "Convert.ToHexString", "BitConverter.TryWriteBytes", "Buffer.BlockCopy",
    };

    /// <summary>Type names judged by name where they do not bind on the host; no public type of the real mscorlib has one.</summary>
    public static readonly HashSet<string> DeniedIdentifiers = new(StringComparer.Ordinal)
    {
        "Task", "ValueTask", "Span", "ReadOnlySpan", "Memory", "ReadOnlyMemory", "List", "Dictionary", "HashSet",
        "IEnumerable`1", "Tuple", "ValueTuple", "Lazy", "NumberStyles", "StringComparison",
        "Stopwatch", "Buffer", "Nullable",
    };

    /// <summary>Namespaces a using directive may not name; the real mscorlib has no public type in any of them.</summary>
    public static readonly HashSet<string> DeniedNamespaces = new(StringComparer.Ordinal)
    {
        "System.Linq", "System.Threading.Tasks", "System.Collections.Generic", "System.Buffers", "System.Memory",
    };

    /// <summary>Checks every .cs file below the directories (bin/ and obj/ skipped) as one compilation.</summary>
    public IReadOnlyList<SubsetViolation> CheckDirectories(params string[] directories)
    {
        var files = directories
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new ArgumentException("no C# sources found in " + string.Join(", ", directories));
        }
        return Check(files.Select(f => (f, File.ReadAllText(f))));
    }

    public IReadOnlyList<SubsetViolation> CheckSource(string code, string path = "snippet.cs") => Check([(path, code)]);

    private static IReadOnlyList<SubsetViolation> Check(IEnumerable<(string Path, string Code)> sources)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Code, options, s.Path)).ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("subset-check", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        var violations = new List<SubsetViolation>();
        foreach (var tree in trees)
        {
            var walker = new Walker(compilation.GetSemanticModel(tree), violations);
            walker.Visit(tree.GetRoot());
        }
        return violations;
    }

    private sealed class Walker : CSharpSyntaxWalker
    {
        private readonly SemanticModel _model;
        private readonly List<SubsetViolation> _violations;

        public Walker(SemanticModel model, List<SubsetViolation> violations)
        {
            _model = model;
            _violations = violations;
        }

        private void Flag(SyntaxNode node, string rule)
        {
            var line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            var text = node.ToString();
            _violations.Add(new SubsetViolation(node.SyntaxTree.FilePath, line, rule, text.Length > 80 ? text[..80] : text));
        }

        public override void Visit(SyntaxNode? node)
        {
            if (node == null)
            {
                return;
            }
            switch (node)
            {
                // The firmware declares no generic types or methods of its own (a rule of this code base, not a
                // claim about mscorlib, which declares Action<T>, Func<T,TResult> and EventHandler<T>).
                case TypeParameterListSyntax: Flag(node, "generic declaration"); break;
                case GenericNameSyntax generic when !IsMscorlibGeneric(generic): Flag(node, "generic type or method"); break;
                case QueryExpressionSyntax: Flag(node, "LINQ query"); break;
                case AwaitExpressionSyntax: Flag(node, "await"); break;
                case TupleTypeSyntax or TupleExpressionSyntax or ParenthesizedVariableDesignationSyntax: Flag(node, "tuple"); break;
                case RecordDeclarationSyntax: Flag(node, "record"); break;
                case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax: Flag(node, "stackalloc"); break;
                case SwitchExpressionSyntax: Flag(node, "switch expression"); break;
                case RecursivePatternSyntax or ListPatternSyntax or RelationalPatternSyntax or BinaryPatternSyntax
                    or DeclarationPatternSyntax or VarPatternSyntax or SlicePatternSyntax:
                    Flag(node, "pattern matching"); break;
                case UnaryPatternSyntax unary when unary.Pattern is not ConstantPatternSyntax { Expression: LiteralExpressionSyntax lit } || !lit.IsKind(SyntaxKind.NullLiteralExpression):
                    Flag(node, "pattern matching"); break;
                case CasePatternSwitchLabelSyntax: Flag(node, "pattern matching"); break;
                case WithExpressionSyntax: Flag(node, "with expression"); break;
                case CollectionExpressionSyntax: Flag(node, "collection expression"); break;
                case RangeExpressionSyntax: Flag(node, "range"); break;
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.IndexExpression): Flag(node, "index from end"); break;
                case NullableTypeSyntax: Flag(node, "Nullable<T>"); break;
                case ArrayRankSpecifierSyntax rank when rank.Rank > 1: Flag(node, "multi-dimensional array"); break;
                case PredefinedTypeSyntax predefined when predefined.Keyword.IsKind(SyntaxKind.DecimalKeyword): Flag(node, "decimal"); break;
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.Utf8StringLiteralExpression): Flag(node, "UTF-8 string literal"); break;
                case AccessorDeclarationSyntax accessor when accessor.IsKind(SyntaxKind.InitAccessorDeclaration): Flag(node, "init accessor"); break;
                case UsingDirectiveSyntax directive when directive.Name != null && DeniedNamespaces.Contains(directive.Name.ToString()):
                    Flag(node, "namespace not in nanoFramework"); break;
                case IdentifierNameSyntax identifier:
                    CheckIdentifier(identifier);
                    break;
                case MemberAccessExpressionSyntax access:
                    CheckMember(access);
                    break;
                case TypeDeclarationSyntax type:
                    CheckTypeDeclaration(type);
                    break;
                case MethodDeclarationSyntax method when method.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    Flag(node, "async"); break;
                case LocalFunctionStatementSyntax local when local.Modifiers.Any(SyntaxKind.AsyncKeyword):
                    Flag(node, "async"); break;
                case AnonymousFunctionExpressionSyntax lambda when lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword):
                    Flag(node, "async"); break;
            }
            if (node is MemberDeclarationSyntax member && member.Modifiers.Any(m => m.IsKind(SyntaxKind.RequiredKeyword) || m.IsKind(SyntaxKind.FileKeyword)))
            {
                Flag(node, "required/file modifier");
            }
            base.Visit(node);
        }

        /// <summary>A use of a generic type the real mscorlib declares (Action&lt;T&gt;, Func&lt;T,TResult&gt;, EventHandler&lt;T&gt;).</summary>
        private bool IsMscorlibGeneric(GenericNameSyntax generic)
        {
            if (_model.GetSymbolInfo(generic).Symbol is INamedTypeSymbol type)
            {
                return NanoMscorlib.Has(NanoMscorlib.MetadataFullName(type.OriginalDefinition));
            }
            // Unbound on the host: by name, as the System type of that arity.
            return NanoMscorlib.Has("System." + generic.Identifier.ValueText + "`" + generic.Arity);
        }

        private void CheckTypeDeclaration(TypeDeclarationSyntax type)
        {
            if (type.ParameterList != null)
            {
                Flag(type, "primary constructor");
            }
            if (type.Modifiers.Any(SyntaxKind.RefKeyword))
            {
                Flag(type, "ref struct");
            }
            if (type is InterfaceDeclarationSyntax)
            {
                foreach (var m in type.Members)
                {
                    if (m is MethodDeclarationSyntax { Body: not null } or MethodDeclarationSyntax { ExpressionBody: not null })
                    {
                        Flag(m, "default interface method");
                    }
                }
            }
        }

        private void CheckIdentifier(IdentifierNameSyntax identifier)
        {
            var name = identifier.Identifier.ValueText;
            if (identifier.IsVar)
            {
                return;
            }
            if (name == "dynamic" && _model.GetSymbolInfo(identifier).Symbol is null or IDynamicTypeSymbol)
            {
                if (_model.GetTypeInfo(identifier).Type is IDynamicTypeSymbol)
                {
                    Flag(identifier, "dynamic");
                    return;
                }
            }
            var symbol = _model.GetSymbolInfo(identifier).Symbol;
            if (symbol == null)
            {
                // does not bind on the host (device-only API or an error): judge by name only
                if (DeniedIdentifiers.Contains(name))
                {
                    Flag(identifier, "not in nanoFramework");
                }
                return;
            }
            CheckSymbol(identifier, symbol);
        }

        private void CheckMember(MemberAccessExpressionSyntax access)
        {
            var symbol = _model.GetSymbolInfo(access).Symbol ?? _model.GetSymbolInfo(access).CandidateSymbols.FirstOrDefault();
            string key;
            if (symbol?.ContainingType != null)
            {
                key = symbol.ContainingType.Name + "." + symbol.Name;
            }
            else
            {
                // unbound: by text, with C# keywords mapped to their type names
                var target = access.Expression.ToString() switch
                {
                    "string" => "String", "double" => "Double", "int" => "Int32", "long" => "Int64", var t => t,
                };
                key = target + "." + access.Name.Identifier.ValueText;
            }
            if (DeniedMembers.Contains(key))
            {
                Flag(access, "API not in nanoFramework");
            }
        }

        private void CheckSymbol(SyntaxNode node, ISymbol symbol)
        {
            if (symbol is IMethodSymbol { IsGenericMethod: true })
            {
                Flag(node, "generic method");
                return;
            }
            var type = symbol switch
            {
                ITypeSymbol t => t,
                IMethodSymbol { MethodKind: MethodKind.Constructor } m => m.ContainingType,
                _ => symbol.ContainingType,
            };
            if (type is IArrayTypeSymbol array)
            {
                type = array.ElementType;
            }
            if (type is not INamedTypeSymbol named || named.Locations.Any(l => l.IsInSource))
            {
                return;
            }
            if (NanoMscorlib.Has(NanoMscorlib.MetadataFullName(named.OriginalDefinition)))
            {
                return; // the real mscorlib has it (Action<T> included); its members are left to the device compile
            }
            if (named.IsGenericType)
            {
                Flag(node, "generic type");
                return;
            }
            var fullName = named.ContainingNamespace.ToDisplayString() + "." + named.MetadataName;
            if (!AllowedFrameworkTypes.Contains(fullName))
            {
                Flag(node, "framework type not in nanoFramework: " + fullName);
            }
        }
    }
}
