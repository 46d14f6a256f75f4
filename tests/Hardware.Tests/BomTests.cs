using System.Globalization;
using Tracking.Hardware;
using Tracking.Testing;

namespace Hardware.Tests;

public class BomTests
{
    // Commodity parts the README describes by value, not by part number.
    private static readonly string[] Passive = ["Resistor", "Ceramic capacitor", "Pin header", "Push button"];

    private sealed record Row(string Part, string Mpn, int Quantity, decimal UnitUsd, string Notes);

    private static List<Row> Load(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("part,manufacturer part number,quantity,unit cost estimate (USD),notes", lines[0].TrimEnd('\r'));
        return lines.Skip(1).Select((line, i) =>
        {
            var f = SplitCsv(line.TrimEnd('\r'));
            Assert.True(f.Count == 5, $"bom.csv line {i + 2}: {f.Count} fields, want 5");
            Assert.True(int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int q), $"bom.csv line {i + 2}: quantity \"{f[2]}\"");
            Assert.True(decimal.TryParse(f[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal usd) && usd > 0, $"bom.csv line {i + 2}: cost \"{f[3]}\"");
            Assert.False(string.IsNullOrWhiteSpace(f[0]) || string.IsNullOrWhiteSpace(f[1]), $"bom.csv line {i + 2}: part and part number are required");
            return new Row(f[0], f[1], q, usd, f[4]);
        }).ToList();
    }

    // RFC 4180: fields may be quoted; "" inside quotes is a quote.
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(c);
        }
        Assert.False(quoted, $"unterminated quote in: {line}");
        fields.Add(cur.ToString());
        return fields;
    }

    [Fact]
    public void Bom_parses_and_every_named_part_is_in_the_README()
    {
        var rows = Load(File.ReadAllText(RepoPaths.Of("hardware", "bom.csv")));
        string readme = File.ReadAllText(RepoPaths.Of("hardware", "README.md")).ReplaceLineEndings(" ");
        var missing = rows.Where(r => !Passive.Any(p => r.Part.StartsWith(p, StringComparison.Ordinal)) && !readme.Contains(r.Mpn, StringComparison.Ordinal))
            .Select(r => r.Mpn).ToList();
        Assert.True(missing.Count == 0, "in bom.csv but not in hardware/README.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Bom_has_one_of_each_part_the_pinout_wires()
    {
        var rows = Load(File.ReadAllText(RepoPaths.Of("hardware", "bom.csv")));
        var pinout = Pinout.Load(RepoPaths.Of("hardware", "pinout.json"));
        // the module in pinout.json's board name is the one the BOM buys
        Assert.Contains(rows, r => r.Quantity == 1 && pinout.Board.StartsWith(r.Mpn.Replace("Espressif ", ""), StringComparison.Ordinal));
        foreach (var d in pinout.I2cDevices)
        {
            var row = Assert.Single(rows, r => r.Part.Contains(d.Name, StringComparison.Ordinal));
            Assert.Equal(1, row.Quantity);
            Assert.Contains(d.Address, row.Notes);
        }
        Assert.Contains(rows, r => r.Part.Contains("3000 mAh", StringComparison.Ordinal) && r.Quantity == 1);
    }

    [Fact]
    public void Broken_bom_lines_are_rejected()
    {
        const string header = "part,manufacturer part number,quantity,unit cost estimate (USD),notes\n";
        Assert.ThrowsAny<Exception>(() => Load(header + "LDO,RT9080,one,0.40,x\n"));
        Assert.ThrowsAny<Exception>(() => Load(header + "LDO,RT9080,1,0.40\n"));
        Assert.ThrowsAny<Exception>(() => Load(header + "LDO,\"RT9080,1,0.40,x\n"));
        Assert.Equal("a, \"b\"", Load(header + "LDO,RT9080,1,0.40,\"a, \"\"b\"\"\"\n")[0].Notes);
    }
}
