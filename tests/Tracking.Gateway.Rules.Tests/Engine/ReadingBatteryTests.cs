using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12: a telemetry batch's battery volts come on its last reading (one input per single-reading message, not a
/// reading and a battery input). They decide as a battery input at the reading's time would, whatever becomes of the
/// reading itself: a duplicate, a reading too late for the window, a <c>t_est</c> time.
/// </summary>
public sealed class ReadingBatteryTests
{
    private static readonly Profile Watched = new() { Name = "watched", Bands = [Upper(8)], BatteryV = 3.4 };

    private static RuleInput Reading(uint seq, double volts, bool estimated = false) =>
        RuleInput.Reading(Box, Tag, 1, seq, Ms(seq * 5.0), 5, estimated: estimated, batteryV: volts);

    [Fact]
    public async Task Volts_on_a_reading_open_and_resolve_battery_low_at_its_time()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Reading(0, 3.6), Reading(1, 3.3));
        Alert low = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal(("battery_low", T0.AddMinutes(5), 3.3), (low.Kind, low.Since, low.Value));
        // The readings themselves are evaluated as ever.
        Assert.Equal(T0.AddMinutes(5), (await rig.Summary()).LastReading);

        await rig.Feed(Reading(2, 3.45)); // between the limit and its hysteresis: decides nothing
        Assert.Single(await rig.Alerts(AlertState.Open));
        await rig.Feed(Reading(3, 3.5));
        Assert.Empty(await rig.Alerts(AlertState.Open));
        Assert.Equal(AlertState.Resolved, (await rig.Store.GetAlertAsync(low.Id))!.State);
    }

    [Fact]
    public async Task A_reading_without_volts_decides_nothing_about_the_battery()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Reading(0, 3.3));
        await rig.Feed(R(1, 5), R(2, 5));
        Assert.Single(await rig.Alerts(AlertState.Open));
    }

    [Fact]
    public async Task Volts_count_on_an_estimated_a_duplicate_and_a_too_late_reading()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Reading(0, 3.3, estimated: true)); // a t_est reading is not in the window, its volts count
        Assert.Equal(T0, Assert.Single(await rig.Alerts(AlertState.Open)).Since);
        Assert.Empty(await rig.Excursions());

        await rig.Feed(R(10, 5));
        // Seq 10 again (a duplicate in the window) now with good volts at its time: the battery is fine since then.
        await rig.Feed(RuleInput.Reading(Box, Tag, 1, 10, Ms(50), 5, batteryV: 3.6));
        Assert.Empty(await rig.Alerts(AlertState.Open));

        // Older than the window's state (too late for the bands): its volts are the only battery value known, and decide.
        var narrow = new Rig(Watched, options: new RulesOptions { WindowSpan = TimeSpan.FromMinutes(30) });
        await narrow.Feed(R(0, 5), R(1, 5), R(20, 5)); // readings 0 and 1 leave the window: its state is final up to 5 min
        await narrow.Feed(RuleInput.Reading(Box, Tag, 1, 99, Ms(3), 5, batteryV: 3.3));
        Assert.Equal(1, (await narrow.Summary()).TooLate);
        Assert.Equal(T0.AddMinutes(3), Assert.Single(await narrow.Alerts(AlertState.Open)).Since);
    }
}
