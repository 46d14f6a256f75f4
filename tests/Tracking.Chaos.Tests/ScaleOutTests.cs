using Xunit.Abstractions;

namespace Tracking.Chaos.Tests;

/// <summary>
/// Issue 14's scale-out: three gateways in one shared group, one SIGKILLed mid-run and not restarted (<see cref="ScaleOutRun"/>).
/// The load splits, nothing acknowledged is lost or doubled in InfluxDB (the killed member's queue reaches it through a
/// survivor's takeover, its spool through a survivor's adoption), and every alert exists exactly once in the PostgreSQL store.
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
        // gw-3 could not reach InfluxDB: what it acknowledged was all in its spool when it was killed
        Assert.True(run.AdoptedWritten > 0 && run.Adoptions > 0, $"nothing of gw-3's spool was adopted ({run.Adoptions} adoptions): the adoption was not tested");
        // gw-3 still dead: the takeover brought its broker queue, a survivor's adoption of its spool what it had
        // acknowledged and not yet written (Spool:Peers), so everything is stored without gw-3 running again
        Assert.True(run.ReadingsWhileDead.Exact, $"readings with gw-3 dead: {run.ReadingsWhileDead}");
    }

    /// <summary>
    /// The rules run shared (<c>Rules:Shared:Enabled</c>): every gateway appends its inputs to the PostgreSQL input log and
    /// each container's partition is evaluated by one lease holder. Without it (run on 2026-12-05) the load split by
    /// message gave one excursion two alerts from two gateways.
    /// </summary>
    [Fact]
    public async Task Every_alert_exists_exactly_once_in_the_shared_store()
    {
        (int expected, int found, int unexpected, string detail) = await run.CompareAlertsAsync();
        log.WriteLine($"alerts expected {expected}, found {found}, unexpected {unexpected}");
        Assert.True(expected > 0, "no alert called for: the scenario containers did not run");
        Assert.True(found == expected && unexpected == 0, detail);
    }
}
