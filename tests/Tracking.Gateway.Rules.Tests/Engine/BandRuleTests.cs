using System.Globalization;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// The band rules, table-driven. Readings are 5 minutes apart (reading i at minute 5 i, consecutive seq); excursions are
/// written "start-end" in minutes ("start-" while it lasts) and alerts "kind@since" (since = first reading outside).
/// </summary>
public sealed class BandRuleTests
{
    public static TheoryData<string, Band, double[], string[], string[]> Cases => new()
    {
        // Inclusive thresholds (WHO PQS): 30.0 is outside a 30 C upper band, 29.9 is not.
        { "30.0 triggers an upper 30", Upper(30), [29.9, 30.0, 29.9], ["5-10"], ["temp_high@5"] },
        { "29.9 does not", Upper(30), [29.9, 29.9, 29.9], [], [] },
        { "2.0 triggers a lower 2", Lower(2), [2.1, 2.0, 2.1], ["5-10"], ["temp_low@5"] },
        // Delay 10 min: outside at 0, 5, 10 -> at the reading of minute 10, 10 min >= 10 min: alarm. Back inside at 15.
        { "delay reached", Upper(8, delayMin: 10), [9, 9, 9, 7], ["0-15"], ["temp_high@0"] },
        // Outside at 0 and 5 only: judged at the readings, 5 min < 10 min; the excursion still lasts 0-10.
        { "delay not reached", Upper(8, delayMin: 10), [9, 9, 7], ["0-10"], [] },
        // Hysteresis 0.5: 7.8 is inside but not by 0.5, so the excursion goes on; 7.5 = 8 - 0.5 ends it (at least 0.5 inside).
        { "hysteresis holds", Upper(8, hysteresis: 0.5), [9, 7.8, 9, 7.5], ["0-15"], ["temp_high@0"] },
        { "without hysteresis it flaps", Upper(8), [9, 7.8, 9, 7.5], ["0-5", "10-15"], ["temp_high@0", "temp_high@10"] },
        // Budget 15 min, delay never reached: 0-5 (5 min) + 10-15 (5 min) + 20-25 ongoing (5 min) = 15 min at minute 25,
        // in the excursion that began at 20 (the alert's since).
        { "cumulative budget spent", Upper(8, delayMin: 600, cumulativeMin: 15), [9, 7, 9, 7, 9, 9], ["0-5", "10-15", "20-"], ["temp_high@20"] },
        // Same up to minute 20: 5 + 5 + 0 = 10 min < 15 min.
        { "cumulative budget left", Upper(8, delayMin: 600, cumulativeMin: 15), [9, 7, 9, 7, 9], ["0-5", "10-15", "20-"], [] },
        // The time until the reading back inside counts: 0-15 is 15 min, spent on the way back in.
        { "budget spent on the way back", Upper(8, delayMin: 600, cumulativeMin: 15), [9, 9, 9, 7], ["0-15"], ["temp_high@0"] },
        // Lower band, hysteresis 0.5: 2.3 is inside but not by 0.5; 2.5 = 2 + 0.5 ends it.
        { "lower hysteresis holds", Lower(2) with { Hysteresis = 0.5 }, [1, 2.3, 1, 2.5], ["0-15"], ["temp_low@0"] },
        // Dual with hysteresis 0.5: 7.6 does not end a high excursion (8 - 0.5 = 7.5), 7.5 does.
        { "dual hysteresis", Dual(2, 8) with { Hysteresis = 0.5 }, [9, 7.6, 7.5, 1.9, 2.4, 2.5], ["0-10", "15-25"], ["temp_high@0", "temp_low@15"] },
        // Delay 0 and a budget of 0: both fire at the first reading outside.
        { "delay 0", Upper(8, cumulativeMin: 0), [8], ["0-"], ["temp_high@0", "temp_high@0"] },
        { "dual band, both sides", Dual(2, 8), [5, 8, 5, 2, 5], ["5-10", "15-20"], ["temp_high@5", "temp_low@15"] },
        // From above straight to below: one excursion ends and the other begins at the same reading.
        { "dual band, side to side", Dual(2, 8), [5, 9, 1, 5], ["5-10", "10-15"], ["temp_high@5", "temp_low@10"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Band_rules(string name, Band band, double[] temps, string[] excursions, string[] alerts)
    {
        var rig = new Rig(OneBand(band));
        await rig.Feed(Series(temps));
        Assert.True(excursions.SequenceEqual(Describe(await rig.Excursions())), $"{name}: {string.Join(' ', Describe(await rig.Excursions()))}");
        Assert.Equal(alerts, (await rig.Alerts()).OrderBy(a => a.Since).Select(a => $"{a.Kind}@{(a.Since - T0).TotalMinutes}"));
    }

    [Fact]
    public async Task Humidity_bands_watch_rh()
    {
        var band = new Band { Metric = Metric.HumidityPct, Kind = BandKind.Dual, Low = 85, High = 95 };
        var rig = new Rig(OneBand(band));
        await rig.Feed(R(0, 2, 90), R(1, 2, 95), R(2, 2, 90), R(3, 2, 85), R(4, 2, double.NaN), R(5, 2, 90));
        Assert.Equal(["5-10", "15-25"], Describe(await rig.Excursions()));
        Assert.Equal(["rh_high", "rh_low"], (await rig.Alerts()).OrderBy(a => a.Since).Select(a => a.Kind));
    }

    [Fact]
    public async Task An_excursion_ends_and_its_alert_resolves()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 10)));
        await rig.Feed(Series(9, 9, 9));
        var alert = Assert.Single(await rig.Alerts(Alerts.AlertState.Open));
        Assert.Equal(9, alert.Value);
        Assert.Equal(8, alert.Limit);
        Assert.Equal("acme.CSQU3054383.tag7.temp_high.temp_c_upper_8." + Ms(0).ToString(CultureInfo.InvariantCulture), alert.Key);
        await rig.Feed(R(3, 7.9));
        Assert.Equal(Alerts.AlertState.Resolved, Assert.Single(await rig.Alerts()).State);
        Assert.Equal(2, rig.Sink.Seen.Count); // raised, resolved
    }

    public static Band Lower(double limit) => new() { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = limit };

    public static Band Dual(double low, double high) => new() { Metric = Metric.TemperatureC, Kind = BandKind.Dual, Low = low, High = high };

    public static IReadOnlyList<string> Describe(IEnumerable<Excursion> excursions) =>
        [.. excursions.Select(e => $"{(e.Start - T0).TotalMinutes}-{(e.End is { } end ? (end - T0).TotalMinutes.ToString(CultureInfo.InvariantCulture) : "")}")];
}
