using ContainerTag.Tests.Subset;
using Microsoft.CodeAnalysis;
using Tracking.Testing;
using Xunit;

namespace ContainerTag.Tests;

public class SubsetCheckerTests
{
    private readonly NanoSubsetChecker _checker = new();

    [Fact]
    public void ContainerTag_Core_stays_inside_the_nanoFramework_subset()
    {
        var violations = _checker.CheckDirectories(RepoPaths.Of("firmware", "ContainerTag.Core"));
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Device_app_stays_inside_the_nanoFramework_subset()
    {
        var violations = _checker.CheckDirectories(RepoPaths.Of("firmware", "ContainerTag"), RepoPaths.Of("firmware", "ContainerTag.Core"));
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Flags_generics_linq_async_and_tuples()
    {
        const string snippet = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            class Bad<T>
            {
                List<int> items = new List<int>();
                async Task<int> Load() { await Task.Delay(1); return 1; }
                (int, string) Pair() => (1, "a");
                int Count() => items.Where(i => i > 1).Count();
                int Query() => (from i in items select i).Count();
            }
            """;
        var rules = _checker.CheckSource(snippet).Select(v => v.Rule).ToHashSet();
        Assert.Contains("generic declaration", rules);
        Assert.Contains("generic type or method", rules);
        Assert.Contains("namespace not in nanoFramework", rules);
        Assert.Contains("async", rules);
        Assert.Contains("await", rules);
        Assert.Contains("tuple", rules);
        Assert.Contains("LINQ query", rules);
        Assert.Contains("generic method", rules); // items.Where(...) binds to Enumerable.Where<int>
    }

    [Theory]
    [InlineData("class C { object M(object o) => o switch { int i => i, _ => 0 }; }", "switch expression")]
    [InlineData("record R(int A);", "record")]
    [InlineData("class C { void M() { System.Span<byte> s = stackalloc byte[4]; } }", "stackalloc")]
    [InlineData("class C { int? x; }", "Nullable<T>")]
    [InlineData("class C { int[,] grid; }", "multi-dimensional array")]
    [InlineData("class C { decimal d; }", "decimal")]
    [InlineData("class C { int P { get; init; } }", "init accessor")]
    [InlineData("class C { int M(object o) => o is int i ? i : 0; }", "pattern matching")]
    [InlineData("class C { double M() => System.Math.Log2(2.0); }", "API not in nanoFramework")]
    [InlineData("class C { string M() => string.Create(1, 'a', (s, c) => s[0] = c); }", "API not in nanoFramework")]
    [InlineData("class C { object M() => System.Array.Empty<int>(); }", "API not in nanoFramework")]
    [InlineData("class C { void M() { dynamic d = 1; } }", "dynamic")]
    [InlineData("class C { object M() => new System.Text.RegularExpressions.Regex(\"a\"); }", "framework type not in nanoFramework: System.Text.RegularExpressions.Regex")]
    [InlineData("interface I { int M() { return 1; } }", "default interface method")]
    [InlineData("class C(int a) { }", "primary constructor")]
    [InlineData("class C { int[] M() => [1, 2]; }", "collection expression")]
    [InlineData("class C { void M() { Nano.Device.Task t = null; } }", "not in nanoFramework")]
    public void Flags_other_features_outside_the_subset(string code, string rule)
    {
        Assert.Contains(_checker.CheckSource(code), v => v.Rule == rule);
    }

    [Fact]
    public void Accepts_what_nanoFramework_compiles()
    {
        const string ok = """
            using System;
            using System.Collections;
            using System.Text;
            public delegate void Changed(object sender, int value);
            public interface ISensor { double Read(); }
            public class Ok
            {
                public event Changed OnChanged;
                private readonly ArrayList _list = new ArrayList();
                private readonly Hashtable _map = new Hashtable();
                public string Describe(string a, string b, string c, string d, string e, int n)
                {
                    if (a is null || b is not null) { }
                    foreach (DictionaryEntry entry in _map) { _list.Add(entry.Key); }
                    var sb = new StringBuilder();
                    sb.Append(n.ToString("F2"));
                    byte[] bytes = Encoding.UTF8.GetBytes(a);
                    double r = Math.Sqrt(Math.Abs(-2.0));
                    OnChanged?.Invoke(this, n);
                    return $"{a}{b}" + a + b + c + d + e + nameof(Describe) + sb + bytes.Length + r;
                }
            }
            """;
        var violations = _checker.CheckSource(ok);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Accepts_the_generic_delegates_and_the_types_the_real_mscorlib_has()
    {
        // nanoFramework.CoreLibrary 1.17.11 declares Action<T>, Action<T1,T2>, Func<TResult>, Func<T,TResult>,
        // Func<T1,T2,TResult> and EventHandler<T>, and System.Globalization.CultureInfo, System.Console, string.Split,
        // string.Contains and int/long/double.TryParse: the checker must not call them missing.
        const string ok = """
            using System;
            using System.Globalization;
            public class Ok
            {
                public event EventHandler<EventArgs> Happened;
                public Action<int> OnValue;
                public Func<int, string> Format;
                public Func<string> Name;
                public Action<int, string> Pair;
                public string[] M(string s, out int n, out long l, out double d)
                {
                    Console.WriteLine(CultureInfo.CurrentUICulture.Name);
                    int.TryParse(s, out n);
                    long.TryParse(s, out l);
                    double.TryParse(s, out d);
                    Happened?.Invoke(this, new EventArgs());
                    return s.Contains("x") ? s.Split(',') : null;
                }
            }
            """;
        var violations = _checker.CheckSource(ok);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [InlineData("class C { object M() => new System.Collections.Generic.List<int>(); }")]
    [InlineData("class C { System.Predicate<int> p; }")]
    [InlineData("class C { System.Func<int, int, int, int> f; }")] // mscorlib stops at Func<T1,T2,TResult>
    public void Flags_generic_types_the_real_mscorlib_lacks(string code)
    {
        Assert.Contains(_checker.CheckSource(code), v => v.Rule == "generic type or method");
        Assert.False(NanoMscorlib.Has("System.Collections.Generic.List`1"));
    }

    [Fact]
    public void Nothing_the_checker_denies_is_in_the_real_mscorlib()
    {
        var claims = MscorlibHas(NanoSubsetChecker.DeniedIdentifiers, NanoSubsetChecker.DeniedNamespaces, NanoSubsetChecker.DeniedMembers);
        Assert.True(claims.Count == 0, "the checker calls these missing, the real mscorlib 1.17.11 has them: " + string.Join(", ", claims));
    }

    [Fact]
    public void The_mscorlib_check_of_the_denied_names_finds_what_mscorlib_has()
    {
        // Guards the test above with the claims the checker used to make.
        Assert.Equal(
            ["identifier CultureInfo", "identifier Func", "member Double.TryParse", "member String.Split", "namespace System.Globalization"],
            MscorlibHas(["Func", "CultureInfo", "Task"], ["System.Globalization", "System.Linq"], ["String.Split", "Double.TryParse", "String.Join", "Environment.TickCount64"]));
    }

    private static List<string> MscorlibHas(IEnumerable<string> identifiers, IEnumerable<string> namespaces, IEnumerable<string> members)
    {
        var types = NanoMscorlib.Types.Values.ToList();
        var found = new List<string>();
        found.AddRange(identifiers.Where(i => types.Any(t => (i.Contains('`') ? t.MetadataName : t.Name) == i)).Select(i => "identifier " + i));
        found.AddRange(namespaces.Where(n => types.Any(t => t.ContainingNamespace.ToDisplayString() is var ns && (ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal))))
            .Select(n => "namespace " + n));
        found.AddRange(members.Where(m =>
            {
                var dot = m.IndexOf('.');
                return types.Any(t => t.Name == m[..dot] && t.GetMembers(m[(dot + 1)..]).Any(s => s.DeclaredAccessibility == Accessibility.Public));
            }).Select(m => "member " + m));
        return found.Order(StringComparer.Ordinal).ToList();
    }
}
