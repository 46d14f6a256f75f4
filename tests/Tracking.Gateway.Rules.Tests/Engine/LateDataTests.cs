using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>Device time, not arrival: late backlogs, batches out of order, replays, duplicates and gaps.</summary>
public sealed class LateDataTests
{
    // Minutes 0..55: an excursion 10-30 (delay 10 min reached at minute 20), another 40-50 (not reached).
    private static readonly double[] Trip = [5, 5, 9, 9, 9, 9, 5, 5, 9, 9, 5, 5];

    [Fact]
    public async Task A_backlog_a_day_late_gives_the_true_times_and_marks_the_alert_late()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 10)));
        rig.Time.Advance(TimeSpan.FromDays(1));
        await rig.Feed(Series(Trip));

        Assert.Equal(["10-30", "40-50"], BandRuleTests.Describe(await rig.Excursions()));
        Alert alert = Assert.Single(await rig.Alerts());
        Assert.Equal(T0.AddMinutes(10), alert.Since);
        // Raised now (T0 + 1 day) for an alarm due at the reading of minute 20: late by 1 day - 20 min.
        Assert.Equal(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(20), alert.Late);
        Assert.Equal(AlertState.Resolved, alert.State);
    }

    [Fact]
    public async Task Batches_in_reverse_order_give_the_same_excursions_and_one_alert_with_the_true_start()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 10)));
        RuleInput[] all = Series(Trip);
        for (int i = all.Length - 3; i >= 0; i -= 3) await rig.Feed(all[i..(i + 3)]);

        Assert.Equal(["10-30", "40-50"], BandRuleTests.Describe(await rig.Excursions()));
        Alert alert = Assert.Single(await rig.Alerts());
        Assert.Equal(T0.AddMinutes(10), alert.Since);
        Assert.Equal(AlertState.Resolved, alert.State);
    }

    [Fact]
    public async Task A_late_reading_moves_an_alerts_start_earlier_instead_of_opening_another()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 10)));
        await rig.Feed(R(0, 5), R(2, 9), R(3, 9), R(4, 9)); // 10-..: alarm at 20
        await rig.Feed(R(1, 9)); // minute 5 was outside too
        Alert alert = Assert.Single(await rig.Alerts());
        Assert.Equal(T0.AddMinutes(5), alert.Since);
        Assert.Equal(["5-"], BandRuleTests.Describe(await rig.Excursions()));
    }

    [Fact]
    public async Task A_cumulative_budget_spent_by_a_late_backlog_is_raised_late_once()
    {
        // Budget 20 min: 10-30 (20 min) spends it at minute 30, the reading back inside.
        var rig = new Rig(OneBand(Upper(8, delayMin: 600, cumulativeMin: 20)));
        rig.Time.Advance(TimeSpan.FromHours(6));
        RuleInput[] all = Series(Trip);
        await rig.Feed(all[6..]);
        await rig.Feed(all[..6]);
        await rig.Feed(all);
        Alert alert = Assert.Single(await rig.Alerts());
        Assert.Equal(T0.AddMinutes(10), alert.Since);
        Assert.Equal(TimeSpan.FromHours(6) - TimeSpan.FromMinutes(30), alert.Late);
        Assert.EndsWith(".cum.1", alert.Key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replays_and_duplicates_never_open_a_second_alert()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 10)));
        RuleInput[] all = Series(Trip);
        await rig.Feed(all);
        await rig.Feed(all);
        await rig.Feed(all[2..7]);
        await rig.Feed([.. all, .. all]);
        Assert.Single(await rig.Alerts());
        Assert.Single(rig.Sink.Of(AlertTransition.Raised));
        Assert.Single(rig.Sink.Of(AlertTransition.Resolved));
        Assert.Equal(["10-30", "40-50"], BandRuleTests.Describe(await rig.Excursions()));
    }

    [Fact]
    public async Task A_gap_inside_an_excursion_is_unknown_time_and_does_not_end_it()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 10)));
        // seq 1 and 2 are missing (thinned or lost): minutes 0-15 are not known to be in range or out.
        await rig.Feed(R(0, 9), R(3, 9));
        Assert.Equal(["0-"], BandRuleTests.Describe(await rig.Excursions()));
        Assert.Single(await rig.Alerts()); // 15 min since the first reading outside >= 10 min
        Assert.Equal(TimeSpan.FromMinutes(15), (await rig.Summary()).Unknown);
    }

    [Fact]
    public async Task A_gap_while_in_range_is_not_counted_as_in_range()
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Feed(R(0, 5), R(4, 5));
        var summary = await rig.Summary();
        Assert.Equal(TimeSpan.FromMinutes(20), summary.Unknown);
        Assert.True(double.IsNaN(summary.MktTripC)); // no known interval yet
        await rig.Feed(R(5, 5));
        Assert.Equal(5, (await rig.Summary()).MktTripC, 9);
    }

    [Fact]
    public async Task A_new_boot_starts_a_new_sequence_and_the_time_between_is_unknown()
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Feed(R(0, 5), R(1, 5), R(2, 5, boot: 1), RuleInput.Reading(Box, Tag, 2, 0, Ms(30), 5), RuleInput.Reading(Box, Tag, 2, 1, Ms(35), 5));
        Assert.Equal(TimeSpan.FromMinutes(20), (await rig.Summary()).Unknown); // minutes 10-30
    }

    [Fact]
    public async Task Estimated_times_are_not_evaluated()
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Feed(RuleInput.Reading(Box, Tag, 1, 0, Ms(0), 20, estimated: true));
        Assert.Empty(await rig.Alerts());
        Assert.Empty(await rig.Excursions());
    }

    [Fact]
    public async Task Readings_older_than_the_window_are_counted_not_evaluated()
    {
        var rig = new Rig(OneBand(Upper(8)), options: new() { WindowReadings = 16 });
        await rig.Feed(Series([.. Enumerable.Repeat(5.0, 40)]));
        await rig.Feed(R(3, 20)); // reading 3 left the window long ago (duplicate or not, it is final)
        Assert.Empty(await rig.Alerts());
        Assert.Equal(1, (await rig.Summary()).TooLate);
    }

    [Fact]
    public async Task A_window_at_its_reading_limit_keeps_at_least_seven_eighths_of_it_and_never_more()
    {
        var rig = new Rig(OneBand(Upper(8)), options: new() { WindowReadings = 64 });
        for (uint seq = 0; seq < 1_000; seq++) await rig.Feed(R(seq, 5));

        await rig.Feed(R(999 - 55, 20)); // the 56th newest: always in the window, a duplicate there changes nothing
        Assert.Equal(0, (await rig.Summary()).TooLate);
        await rig.Feed(R(999 - 64, 20)); // the 65th newest: never in it, final
        Assert.Equal(1, (await rig.Summary()).TooLate);
        Assert.Empty(await rig.Alerts());
    }
}
