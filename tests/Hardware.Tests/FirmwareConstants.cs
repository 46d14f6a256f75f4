using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hardware.Tests;

/// <summary>The integer constants of the device app's Board classes, read with Roslyn: "Pins.I2cData" -> 21.</summary>
public static class FirmwareConstants
{
    public static Dictionary<string, int> Parse(params string[] sources)
    {
        var result = new Dictionary<string, int>();
        foreach (var source in sources)
        {
            var root = CSharpSyntaxTree.ParseText(source).GetCompilationUnitRoot();
            var diagnostics = root.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (diagnostics.Count > 0) throw new FormatException(string.Join("; ", diagnostics));
            foreach (var field in root.DescendantNodes().OfType<FieldDeclarationSyntax>())
            {
                if (!field.Modifiers.Any(SyntaxKind.ConstKeyword)) continue;
                var type = (field.Parent as ClassDeclarationSyntax)?.Identifier.Text
                    ?? throw new FormatException($"const outside a class: {field}");
                foreach (var v in field.Declaration.Variables)
                {
                    // int constants only; doubles (divider ratio) are not pins or addresses
                    if (v.Initializer?.Value is LiteralExpressionSyntax { Token.Value: int value })
                        result.Add($"{type}.{v.Identifier.Text}", value);
                }
            }
        }
        return result;
    }

    public static Dictionary<string, int> LoadBoard() => Parse(
        File.ReadAllText(Tracking.Testing.RepoPaths.Of("firmware", "ContainerTag", "Board", "Pins.cs")),
        File.ReadAllText(Tracking.Testing.RepoPaths.Of("firmware", "ContainerTag", "Board", "BoardConstants.cs")));

    /// <summary>Every firmware constant pinout.json names, with the value the pinout gives it.</summary>
    public static Dictionary<string, int> Expected(Tracking.Hardware.Pinout p)
    {
        var expected = new Dictionary<string, int> { [p.I2c.Firmware] = p.I2c.Bus };
        foreach (var s in p.Signals)
        {
            expected.Add(s.Firmware, s.Gpio);
            if (s.Adc is not null) expected.Add(s.Adc.Firmware, s.Adc.Channel);
        }
        foreach (var d in p.I2cDevices) expected.Add(d.Firmware, d.Value);
        return expected;
    }

    /// <summary>Differences between the firmware and the pinout, one line each; empty when they agree.</summary>
    public static List<string> Compare(Dictionary<string, int> firmware, Tracking.Hardware.Pinout p)
    {
        var expected = Expected(p);
        var diffs = new List<string>();
        foreach (var (name, value) in expected)
        {
            if (!firmware.TryGetValue(name, out int actual)) diffs.Add($"{name}: named in pinout.json, missing in the firmware");
            else if (actual != value) diffs.Add($"{name}: firmware {actual}, pinout.json {value}");
        }
        // Pins.cs holds pins only: each of its constants must be described in pinout.json.
        foreach (var name in firmware.Keys.Where(k => k.StartsWith("Pins.", StringComparison.Ordinal) && !expected.ContainsKey(k)))
            diffs.Add($"{name}: firmware pin not in pinout.json");
        return diffs;
    }
}
