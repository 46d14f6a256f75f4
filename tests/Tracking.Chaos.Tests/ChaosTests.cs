using Xunit.Abstractions;

namespace Tracking.Chaos.Tests;

/// <summary>
/// Every scenario of <see cref="ChaosScenarios"/> at <see cref="ChaosSize.Current"/>: zero readings missing, zero extra,
/// zero doubled, every value as sent, the alerts exactly those the manifest calls for (kind, band, start time, state),
/// and every fault recovered from. With TRACKING_CHAOS_RESULTS set (scripts/chaos --report) each writes its row of
/// docs/reliability.md there.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper log)
{
    public static TheoryData<string> Scenarios =>
        new(ChaosScenarios.All.Where(s => ChaosSize.Current != ChaosSize.Ci || !NotInCi.Contains(s.Name)).Select(s => s.Name));

    /// <summary>
    /// Left out at the CI size, with the reason; `scripts/chaos` (full size) still runs them. Empty: proxy-influx, left out
    /// while its stall was unexplained, is back since 2026-12-05. Its "received 123" was the whole voyage (606 readings in
    /// 123 messages), not ingest stopping: the writer alone stalled on a faulted batch (fixed: retried), and a failed stage
    /// no longer leaves the gateway hanging healthy (docs/reliability.md, "Found"; README.md).
    /// </summary>
    private static readonly HashSet<string> NotInCi = new(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Nothing_acknowledged_is_lost_or_doubled_and_the_alerts_are_exact(string scenario)
    {
        ChaosScenario chaos = ChaosScenarios.Named(scenario);
        await using ChaosRig rig = await ChaosRig.StartAsync(chaos, ChaosSize.Current, log);
        ScenarioResult result = await rig.RunAsync();
        if (Environment.GetEnvironmentVariable("TRACKING_CHAOS_RESULTS") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            int order = ChaosScenarios.All.ToList().IndexOf(chaos);
            await File.WriteAllTextAsync(Path.Combine(dir, $"{order:D2}-{chaos.Name}.md"), result.MarkdownRow() + "\n");
        }
        Assert.True(result.Readings.Sent > 0, "no reading was acknowledged: nothing was tested");
        Assert.True(result.Readings.Exact, $"readings: {result.Readings}");
        Assert.True(result.AlertsExpected > 0, "no alert called for: the scenario containers did not run");
        Assert.True(result.AlertsExact, $"alerts: expected {result.AlertsExpected}, found {result.AlertsFound}, unexpected {result.AlertsUnexpected}");
        Assert.All(result.Recoveries, r => Assert.NotNull(r.Elapsed));
    }
}
