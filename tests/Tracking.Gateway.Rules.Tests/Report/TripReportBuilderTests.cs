using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Mkt;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Rules.Tests.Report;

/// <summary>The trip report from a hand-made history, every number worked out by hand (in the comments).</summary>
public class TripReportBuilderTests
{
    private static readonly ContainerKey Box = new("acme", "CSQU3054383");
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long Ms0 = T0.ToUnixTimeMilliseconds();

    private static readonly Profile Pharma = new()
    {
        Name = "test_2_8",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Delay = TimeSpan.FromMinutes(30), Cumulative = TimeSpan.FromHours(1) },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 2 },
        ],
        ShockG = 4,
    };

    private static HistoryReading R(int minute, uint boot, uint seq, double temp, double rh = 60, bool estimated = false) =>
        new("t1", Ms0 + (minute * 60_000L), boot, seq, temp, rh, 1013, estimated);

    private static ContainerHistory History() => new()
    {
        Readings =
        [
            // Every 5 min: 5, 5, 9, 10, 7, 5, 5 (seq 0-6), seq 3 delivered twice; out of order on purpose.
            R(15, 1, 3, 10), R(0, 1, 0, 5), R(5, 1, 1, 5), R(10, 1, 2, 9), R(15, 1, 3, 10), R(20, 1, 4, 7), R(25, 1, 5, 5), R(30, 1, 6, 5),
            R(40, 1, 8, 5),             // seq 7 lost: 30-40 min unknown
            R(45, 2, 0, 5),             // a reboot: 40-45 min unknown, loss unknown
            R(50, 2, 1, 30, estimated: true), // t_est: counted, not evaluated (no max of 30)
        ],
        Shocks =
        [
            new HistoryShock("t1", Ms0 + 60_000, 1, 100, 3.0),  // under the profile's 4 g
            new HistoryShock("t1", Ms0 + 120_000, 1, 101, 6.5),
            new HistoryShock("t1", Ms0 + 120_000, 1, 101, 6.5), // the same event again
            new HistoryShock("t1", Ms0 + 600_000, 1, 102, 5.0),
        ],
        Statuses = [new HistoryStatus("t1", Ms0 + 1000, "1.2.0", 10), new HistoryStatus("t1", Ms0 + 3_000_000, "1.3.0", 12)],
        ThinnedBefore = new Dictionary<string, long> { ["t1"] = 9 },
    };

    private static TripReport Build(ContainerHistory history, IReadOnlyList<Alert>? alerts = null, Profile? profile = null) =>
        TripReportBuilder.Build(Box, T0, T0.AddHours(1), profile ?? Pharma, history, alerts ?? [], new ReportOptions(), T0.AddDays(1));

    [Fact]
    public void Statistics_mkt_excursions_budgets_gaps_shocks_and_tags_are_as_worked_out_by_hand()
    {
        TripReport r = Build(History());

        Assert.Equal((10, 1), (r.Readings, r.EstimatedReadings)); // 11 points, seq 3 once
        // min 5 first at 0 min; max 10 at 15 min; mean of 5,5,9,10,7,5,5,5,5 = 56 / 9.
        Assert.Equal((5.0, T0, 10.0, T0.AddMinutes(15)), (r.MinC, r.MinCAt, r.MaxC, r.MaxCAt));
        Assert.Equal(56.0 / 9, r.MeanC!.Value, 12);
        Assert.Equal((60.0, 60.0, 60.0), (r.MinRh, r.MaxRh, r.MeanRh));
        // MKT of six known 300 s intervals held at 5, 5, 9, 10, 7, 5 degC:
        // 10000 / -ln(mean(exp(-10000 / (T + 273.15)))) - 273.15 = 7.089056605652559 (computed apart, in Python).
        Assert.Equal(7.089056605652559, r.MktC!.Value, 9);
        // Unknown: 30-40 min (seq gap) + 40-45 min (reboot) = 900 s.
        Assert.Equal(900, r.UnknownS);

        // 9 at 10 min starts the upper excursion, 7 at 20 min (below 8) ends it: 600 s, peak 10.
        ReportExcursion e = Assert.Single(r.Excursions);
        Assert.Equal(("t1", "temp_c_upper_8", T0.AddMinutes(10), (DateTimeOffset?)T0.AddMinutes(20), 10.0, 600.0),
            (e.Tag, e.Band, e.Start, e.End, e.Peak, e.DurationS));
        Assert.Equal(600, r.TimeOutsideS["temp_c_upper_8"]);
        Assert.Equal(0, r.TimeOutsideS["temp_c_lower_2"]);
        ReportBudget budget = Assert.Single(r.Budgets);
        Assert.Equal((3600.0, 600.0, 600.0 / 3600), (budget.BudgetS, budget.UsedS, budget.UsedFraction));

        Assert.Equal(2, r.Gaps.Count);
        Assert.Equal((T0.AddMinutes(30), T0.AddMinutes(40), (long?)1, false, 600.0),
            (r.Gaps[0].Start, r.Gaps[0].End, r.Gaps[0].Missing, r.Gaps[0].Reboot, r.Gaps[0].DurationS));
        Assert.Equal((T0.AddMinutes(40), T0.AddMinutes(45), (long?)null, true), (r.Gaps[1].Start, r.Gaps[1].End, r.Gaps[1].Missing, r.Gaps[1].Reboot));
        Assert.Equal(1, r.LostReadings);

        // 3.0 g is under 4 g; 6.5 g once; 5.0 g.
        Assert.Equal((2, 6.5), (r.ShockCount, r.ShockMaxG));
        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(10)], r.Shocks.Select(s => s.Time));

        // thinned 9 before the range, then 10 and 12: 3 during it. The last firmware reported.
        ReportTag tag = Assert.Single(r.Tags);
        Assert.Equal(("t1", "1.3.0", 10, 3L, 1L), (tag.Tag, tag.Firmware, tag.Readings, tag.ThinnedReadings, tag.LostReadings));
        Assert.Equal(3, r.ThinnedReadings);
        Assert.Empty(r.Legs);
        Assert.Empty(r.DoorOpenings);
    }

    [Fact]
    public void An_excursion_still_outside_at_the_end_is_open_and_counted_up_to_the_last_reading()
    {
        var history = new ContainerHistory { Readings = [R(0, 1, 0, 5), R(5, 1, 1, 8), R(10, 1, 2, 8.5), R(15, 1, 3, 9)] };

        TripReport r = Build(history);

        // 8.0 is outside (inclusive); 5 to 15 min = 600 s, no end.
        ReportExcursion e = Assert.Single(r.Excursions);
        Assert.Equal((T0.AddMinutes(5), (DateTimeOffset?)null, 9.0, 600.0), (e.Start, e.End, e.Peak, e.DurationS));
        Assert.Equal(600, r.TimeOutsideS["temp_c_upper_8"]);
    }

    [Fact]
    public void The_band_semantics_are_the_rules_inclusive_limit_and_hysteresis()
    {
        Profile profile = Pharma with
        {
            Bands = [new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Hysteresis = 0.5 }],
        };
        // 7.99 is inside; 8.0 starts; 7.7 is inside but not by the hysteresis: continues; 7.5 ends it (at 20 min).
        var history = new ContainerHistory { Readings = [R(0, 1, 0, 7.99), R(5, 1, 1, 8.0), R(10, 1, 2, 7.7), R(15, 1, 3, 8.2), R(20, 1, 4, 7.5)] };

        TripReport r = Build(history, profile: profile);

        ReportExcursion e = Assert.Single(r.Excursions);
        Assert.Equal((T0.AddMinutes(5), (DateTimeOffset?)T0.AddMinutes(20), 8.2, 900.0), (e.Start, e.End, e.Peak, e.DurationS));
    }

    [Fact]
    public void Readings_outside_the_range_and_of_other_tags_stay_apart()
    {
        var history = new ContainerHistory
        {
            Readings =
            [
                R(-5, 1, 0, 20), // before the range
                R(0, 1, 1, 5), R(5, 1, 2, 6),
                new HistoryReading("t2", Ms0, 7, 0, 3, 50, double.NaN), new HistoryReading("t2", Ms0 + 300_000, 7, 1, 4, 50, double.NaN),
                R(60, 1, 3, 20), // at the range's end: excluded
            ],
        };

        TripReport r = Build(history);

        Assert.Equal(4, r.Readings);
        Assert.Equal((3.0, 6.0), (r.MinC, r.MaxC));
        Assert.Empty(r.Gaps); // t1 seq 1 -> 2 and t2 seq 0 -> 1: consecutive per tag
        Assert.Equal(["t1", "t2"], r.Tags.Select(t => t.Tag));
        // MKT over both tags' known intervals: 300 s at 5 (t1) and 300 s at 3 (t2).
        Assert.Equal(MeanKineticTemperature.Of([(5, 300), (3, 300)]), r.MktC!.Value, 12);
    }

    [Fact]
    public void Alerts_overlapping_the_range_are_listed_with_their_acknowledgement()
    {
        Alert Make(long id, DateTimeOffset since, DateTimeOffset? resolved) => new()
        {
            Id = id, Key = $"k{id}", Container = Box, Kind = "temp_high", Band = "temp_c_upper_8", Severity = Severity.Alarm, Since = since,
            RaisedAt = since, ResolvedAt = resolved, State = resolved is null ? AlertState.Acknowledged : AlertState.Resolved,
            AcknowledgedBy = "ops", AcknowledgedAt = since.AddMinutes(3), AcknowledgeNote = "door left open",
        };
        Alert[] alerts =
        [
            Make(1, T0.AddHours(-3), T0.AddHours(-2)), // resolved before the range
            Make(2, T0.AddHours(-1), T0.AddMinutes(5)), // overlaps its start
            Make(3, T0.AddMinutes(30), null),           // in it, still not resolved
            Make(4, T0.AddHours(2), null),              // after it
        ];

        TripReport r = Build(new ContainerHistory(), alerts);

        Assert.Equal([2L, 3L], r.Alerts.Select(a => a.Id));
        Assert.Equal(("ops", "door left open", "acknowledged", "alarm"), (r.Alerts[1].AcknowledgedBy, r.Alerts[1].AcknowledgeNote, r.Alerts[1].State, r.Alerts[1].Severity));
    }

    [Fact]
    public void Without_data_or_profile_nothing_is_made_up()
    {
        TripReport r = TripReportBuilder.Build(Box, T0, T0.AddHours(1), null, new ContainerHistory(), [], new ReportOptions(), T0);

        Assert.Equal((0, (double?)null, (double?)null, (double?)null, (double?)null), (r.Readings, r.MktC, r.MinC, r.MaxC, r.MeanC));
        Assert.Empty(r.TimeOutsideS);
        Assert.Null(r.Profile);
    }

    [Fact]
    public void A_flight_and_a_door_opening_in_the_readings_show_as_a_leg_and_an_opening()
    {
        var readings = new List<HistoryReading>();
        for (int i = 0; i < 60; i++)
        {
            // 5 min apart: ground, 2 h at 790 hPa from 50 min, ground; a door at 4 h 10 min.
            double hpa = i is >= 10 and < 34 ? 790 : 1013;
            (double temp, double rh) = i switch { 50 => (10.0, 80.0), 51 => (11.0, 82.0), 52 => (6.0, 66.0), _ => (4.0, 60.0) };
            readings.Add(new HistoryReading("t1", Ms0 + (i * 300_000L), 1, (uint)i, temp, rh, hpa));
        }

        TripReport r = TripReportBuilder.Build(Box, T0, T0.AddHours(6), null, new ContainerHistory { Readings = readings }, [], new ReportOptions(), T0);

        TransportLeg leg = Assert.Single(r.Legs);
        Assert.Equal((T0.AddMinutes(50), T0.AddMinutes(165)), (leg.Start, leg.End));
        DoorOpening door = Assert.Single(r.DoorOpenings);
        Assert.Equal((T0.AddMinutes(250), (DateTimeOffset?)T0.AddMinutes(260)), (door.Start, door.End));
    }
}
