using System.Globalization;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Gateway.Rules.Trips;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Trips;

/// <summary>
/// Trips in the rules (README.md "Trips"), table-driven. Readings are 5 minutes apart (reading i at minute 5 i); trips are
/// "start-end" in minutes ("start-" while open), started in the store before any reading; readings listed as late arrive
/// in a second batch after all the others. Excursions are "start-end@trip" (trip "t1" is the first trip, "-" none) and
/// budget alerts "since@key suffix".
/// </summary>
public sealed class TripRuleTests
{
    private static Band Budget(double minutes) => Upper(8, delayMin: 600, cumulativeMin: minutes);

    public static TheoryData<string, Band, double[], string[], int[], string[], string[]> Cases => new()
    {
        // Without trips nothing changes: the implicit trip's budget, key cum.1 (0-5, 10-15, 20-25: 15 min at minute 25).
        { "no trips: one budget since the first reading", Budget(15), [9, 7, 9, 7, 9, 9, 7], [], [],
            ["0-5@-", "10-15@-", "20-30@-"], ["20@cum.1"] },
        // A trip from 17.5: 10 min before it, 10 min in it; neither reaches 15 (without trips: 20 min, spent at 25).
        { "the budget starts afresh at the trip's start", Budget(15), [9, 7, 9, 7, 9, 9, 7], ["17.5-"], [],
            ["0-5@-", "10-15@-", "20-30@t1"], [] },
        // The trip's own budget is spent in the trip: key cum.t1, since its excursion's start.
        { "a trip's budget is its own", Budget(10), [7, 7, 7, 7, 9, 9, 9, 7], ["17.5-"], [],
            ["20-35@t1"], ["20@cum.t1"] },
        // Outside from 10 to 30 across a start at 12.5: the earlier part ends at the start (2.5 min), the trip's begins at
        // its first reading (15) and spends its 15 min on the way back in at 30.
        { "an excursion across the start is split at it", Budget(15), [7, 7, 9, 9, 9, 9, 7], ["12.5-"], [],
            ["10-12.5@-", "15-30@t1"], ["15@cum.t1"] },
        // Reading 2 (minute 10, outside) comes after the trip's readings: it lands before the trip, in the implicit trip,
        // whose budget it spends (0-5 + 10-20 = 15); the trip spends its own (25-40).
        { "a late reading before the start counts for the earlier trip", Budget(12), [9, 7, 9, 9, 7, 9, 9, 9, 7], ["22.5-"], [2],
            ["0-5@-", "10-20@-", "25-40@t1"], ["10@cum.1", "25@cum.t1"] },
        // After a trip's end: the time outside every trip gets its own budget (key t1.after), the trip's is over.
        { "after the trip ended, another budget", Budget(10), [9, 9, 9, 7, 9, 9, 9, 7], ["0-17.5"], [],
            ["0-15@t1", "20-35@-"], ["0@cum.t1", "20@cum.t1.after"] },
        // Two trips, the second starts where the first ended: each its own.
        { "back-to-back trips", Budget(10), [9, 9, 9, 7, 9, 9, 9, 7], ["0-17.5", "17.5-"], [],
            ["0-15@t1", "20-35@t2"], ["0@cum.t1", "20@cum.t2"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Trip_rules(string name, Band band, double[] temps, string[] trips, int[] late, string[] excursions, string[] alerts)
    {
        var rig = new Rig(OneBand(band));
        foreach (string trip in trips) await StartAsync(rig, trip);
        RuleInput[] series = Series(temps);
        await rig.Feed([.. series.Where((_, i) => !late.Contains(i))]);
        if (late.Length > 0) await rig.Feed([.. late.Select(i => series[i])]);

        Assert.True(excursions.SequenceEqual(Describe(await rig.Excursions())), $"{name}: {string.Join(' ', Describe(await rig.Excursions()))}");
        // The store holds the same, trip included.
        Assert.Equal(excursions, Describe(await rig.Store.ListExcursionsAsync(Box, T0.AddDays(-1), T0.AddDays(1))));
        string[] seen = [.. (await rig.Alerts()).OrderBy(a => a.Since).ThenBy(a => a.Key, StringComparer.Ordinal).Select(Budgeted)];
        Assert.True(alerts.SequenceEqual(seen), $"{name}: {string.Join(' ', seen)}");
        Assert.Equal(alerts.Length, rig.Sink.Seen.Count(n => n.Transition == AlertTransition.Raised));

        // A replay of everything (the spool after a crash) on a restarted engine changes nothing and tells nothing.
        Rig again = rig.Restart();
        await again.Feed(series);
        Assert.Equal(excursions, Describe(await again.Excursions()));
        Assert.Equal(seen, (await again.Alerts()).OrderBy(a => a.Since).ThenBy(a => a.Key, StringComparer.Ordinal).Select(Budgeted));
        Assert.Empty(again.Sink.Seen);
    }

    [Fact]
    public async Task Trip_mkt_is_the_trips_alone_and_starts_afresh()
    {
        var rig = new Rig(OneBand(Upper(30)));
        // 20 degC for 30 min, then the trip starts at minute 30 and its readings are 5 degC.
        await StartAsync(rig, "30-");
        await rig.Feed(Series(20, 20, 20, 20, 20, 20, 5, 5, 5, 5, 5, 5));
        Assert.Equal(5.0, (await rig.Summary()).MktTripC, 6);
        Assert.Equal(1, (await rig.Summary()).Trip);

        // Without the trip the same readings' MKT is well above 5 (the 20 degC half weighs most).
        var plain = new Rig(OneBand(Upper(30)));
        await plain.Feed(Series(20, 20, 20, 20, 20, 20, 5, 5, 5, 5, 5, 5));
        Assert.True((await plain.Summary()).MktTripC > 12, $"{(await plain.Summary()).MktTripC}");
        Assert.Null((await plain.Summary()).Trip);
    }

    [Fact]
    public async Task A_trip_started_after_the_readings_moves_them_and_does_not_raise_the_earlier_trips_alert_again()
    {
        var rig = new Rig(OneBand(Budget(10)));
        // The implicit trip's budget is spent at minute 10 (0-10 outside); another excursion begins at 25.
        await rig.Feed(Series(9, 9, 9, 7, 7, 9));
        Alert earlier = Assert.Single(await rig.Alerts());
        Assert.EndsWith(".cum.1", earlier.Key);

        // The operator starts a trip at minute 22.5 (in the window, after those readings were evaluated): the readings from
        // 25 on are the trip's, whose budget starts at 0: 25-30 is 5 min, not spent.
        await StartAsync(rig, "22.5-");
        await rig.Engine.InvalidateProfilesAsync();
        await rig.Feed(R(6, 7));
        Assert.Equal(["0-15@-", "25-30@t1"], Describe(await rig.Excursions()));
        Assert.Equal([earlier.Key], (await rig.Alerts()).Select(a => a.Key));
        Assert.Single(rig.Sink.Seen, n => n.Transition == AlertTransition.Raised);

        // The trip spends its own budget later: a second alert, of the trip.
        await rig.Feed(R(7, 9), R(8, 9), R(9, 9));
        Assert.Equal([earlier.Key, earlier.Key[..^".cum.1".Length] + ".cum.t1"], (await rig.Alerts()).OrderBy(a => a.Id).Select(a => a.Key));
    }

    [Fact]
    public async Task A_trip_started_through_another_writer_applies_within_the_profile_refresh()
    {
        var rig = new Rig(OneBand(Budget(10)));
        await rig.Feed(Series(9, 9));
        // Another gateway starts the trip: this engine is not told, it reads the store's version at the next refresh.
        await rig.Store.StartTripAsync(new Trip { Container = Box, Start = T0.AddMinutes(7.5) });
        rig.Time.Advance(rig.Options.ProfileRefresh);
        await rig.Feed(R(2, 9), R(3, 9), R(4, 7));
        // Trip from 7.5: 10-20 outside = 10 min, spent at 20; the implicit trip's 0-7.5 is 7.5 min, not.
        Assert.Equal(["0-7.5@-", "10-20@t1"], Describe(await rig.Excursions()));
        Assert.Equal(["10@cum.t1"], (await rig.Alerts()).Select(Budgeted));
    }

    private static async Task StartAsync(Rig rig, string trip)
    {
        string[] parts = trip.Split('-');
        double start = double.Parse(parts[0], CultureInfo.InvariantCulture);
        TripChange started = await rig.Store.StartTripAsync(new Trip { Container = Box, Start = T0.AddMinutes(start) });
        Assert.Equal(TripOutcome.Done, started.Outcome);
        if (parts[1].Length > 0) Assert.Equal(TripOutcome.Done, (await rig.Store.EndTripAsync(Box, T0.AddMinutes(double.Parse(parts[1], CultureInfo.InvariantCulture)))).Outcome);
    }

    private static string Budgeted(Alert a) => $"{(a.Since - T0).TotalMinutes.ToString(CultureInfo.InvariantCulture)}@{a.Key[(a.Key.IndexOf(".cum.", StringComparison.Ordinal) + 1)..]}";

    private static IReadOnlyList<string> Describe(IEnumerable<Excursion> excursions) =>
        [.. excursions.Select(e => $"{M(e.Start)}-{(e.End is { } end ? M(end) : "")}@{(e.Trip is { } t ? "t" + t.ToString(CultureInfo.InvariantCulture) : "-")}")];

    private static string M(DateTimeOffset at) => (at - T0).TotalMinutes.ToString(CultureInfo.InvariantCulture);
}
