using System.Globalization;
using Tracking.Testing.EndToEnd;

namespace Tracking.Chaos.Tests;

/// <summary>What one scenario ended with: the readings compared, the alerts compared, the recoveries and its own figures.</summary>
public sealed record ScenarioResult(
    ChaosScenario Scenario, ChaosSize Size, ReadingComparison Readings, int AlertsExpected, int AlertsFound, int AlertsUnexpected,
    IReadOnlyList<RecoveryTime> Recoveries, IReadOnlyList<string> Notes, TimeSpan Took)
{
    public bool AlertsExact => AlertsFound == AlertsExpected && AlertsUnexpected == 0;

    /// <summary>The scenario's row of docs/reliability.md's table (scripts/chaos --report puts the rows together).</summary>
    public string MarkdownRow()
    {
        string recover = Recoveries.Count == 0 ? "-"
            : string.Join("; ", Recoveries.Select(r => r.ToString()));
        string notes = Notes.Count == 0 ? "" : string.Join("; ", Notes);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Scenario.Title} | {Readings.Sent} | {Readings.Stored} | {Readings.Missing} | {Readings.Duplicated} | {Readings.Extra} | "
            + $"{AlertsExpected} | {AlertsFound}{(AlertsUnexpected > 0 ? $" (+{AlertsUnexpected} unexpected)" : "")} | {recover} | {notes} |");
    }

    public override string ToString() =>
        $"{Scenario.Name} ({Size.Name}, {Took.TotalSeconds:0} s): readings {Readings}; alerts expected {AlertsExpected}, found {AlertsFound}, "
        + $"unexpected {AlertsUnexpected}; recovery {string.Join("; ", Recoveries)}; {string.Join("; ", Notes)}";
}
