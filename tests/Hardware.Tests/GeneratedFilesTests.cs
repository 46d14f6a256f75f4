using Tracking.Hardware;
using Tracking.Testing;

namespace Hardware.Tests;

/// <summary>The committed wiring diagram and power budget are what their generators make from today's sources.</summary>
public class GeneratedFilesTests
{
    private static string Committed(string name) => File.ReadAllText(RepoPaths.Of("hardware", name));

    [Fact]
    public void Wiring_dot_is_current_with_pinout_json()
    {
        string dot = WiringDiagram.ToDot(Pinout.Load(RepoPaths.Of("hardware", "pinout.json")));
        Assert.True(dot == Committed("wiring.dot"), "hardware/wiring.dot is stale: run hardware/render-wiring and commit wiring.dot and wiring.svg");
    }

    [Fact]
    public void Wiring_svg_was_rendered_from_the_committed_dot()
    {
        string svg = Committed("wiring.svg");
        Assert.Contains("<svg", svg);
        Assert.True(svg.Contains(WiringDiagram.SvgStamp(Committed("wiring.dot")), StringComparison.Ordinal),
            "hardware/wiring.svg was rendered from another wiring.dot: run hardware/render-wiring");
    }

    [Fact]
    public void Wiring_svg_regenerated_with_graphviz_equals_the_committed_one()
    {
        // scripts/test installs Debian's graphviz; the stamp line is ours, everything else is dot's output.
        var psi = new System.Diagnostics.ProcessStartInfo("dot", ["-Tsvg", RepoPaths.Of("hardware", "wiring.dot")])
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var dot = System.Diagnostics.Process.Start(psi)
            ?? throw new InvalidOperationException("graphviz 'dot' is needed (Debian package graphviz; scripts/test installs it)");
        string rendered = dot.StandardOutput.ReadToEnd();
        dot.WaitForExit();
        Assert.Equal(0, dot.ExitCode);
        string committed = string.Join('\n', Committed("wiring.svg").Split('\n').Where(l => !l.Contains(WiringDiagram.SvgStampPrefix)));
        Assert.Equal(rendered.TrimEnd('\n'), committed.TrimEnd('\n'));
    }

    [Fact]
    public void Wiring_dot_shows_every_signal_and_changes_with_the_pinout()
    {
        var p = Pinout.Load(RepoPaths.Of("hardware", "pinout.json"));
        string dot = WiringDiagram.ToDot(p);
        foreach (var s in p.Signals) Assert.Contains($"GPIO{s.Gpio}", dot);
        Assert.Contains("GPIO33 (RTC)", dot);
        Assert.Contains("GPIO34 (RTC, ADC1_CH6)", dot);
        var moved = p with { Signals = p.Signals.Select(s => s.Firmware == "Pins.AccelInterrupt" ? s with { Gpio = 32 } : s).ToList() };
        string other = WiringDiagram.ToDot(moved);
        Assert.NotEqual(dot, other);
        Assert.NotEqual(WiringDiagram.SvgStamp(dot), WiringDiagram.SvgStamp(other));
    }

    [Fact]
    public void Labels_with_record_syntax_are_escaped()
    {
        var p = Pinout.Load(RepoPaths.Of("hardware", "pinout.json"));
        var odd = p with { Board = "a|b {c} \"d\"" };
        Assert.Contains("a\\|b \\{c\\} \\\"d\\\"", WiringDiagram.ToDot(odd));
    }

    [Fact]
    public void Power_budget_is_current_with_the_energy_model()
    {
        Assert.True(PowerBudget.Render() == Committed("power-budget.md"),
            "hardware/power-budget.md is stale: dotnet run --project hardware/Tracking.Hardware -- power-budget hardware/power-budget.md");
    }

    [Fact]
    public void Power_budget_numbers_are_the_models()
    {
        string md = PowerBudget.Render();
        double ma = ContainerTag.Core.Energy.BatteryModel.AverageCurrentMa(300, 3600,
            ContainerTag.Core.Energy.EnergyConstants.DefaultAwakeMsPerWake, ContainerTag.Core.Energy.EnergyConstants.DefaultRadioMsPerReport);
        string days = Math.Round(PowerBudget.CellMah / (ma * 24)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"**{days} days**", md);
        Assert.Contains($"**{(ma * 1000).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} µA**", md);
        Assert.Contains($"{ContainerTag.Core.Energy.EnergyConstants.Adxl343MeasuringUa} µA", md);
    }
}
