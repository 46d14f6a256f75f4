using TagSimulator.Manifest;
using Tracking.Testing.EndToEnd;

namespace TagSimulator.Tests;

/// <summary>
/// The reference the end-to-end suites compare the gateway's alerts with (Tracking.Testing.EndToEnd ExpectedAlerts):
/// a0-timed readings are judged where the gateway put them (arrival - a0), as the rules engine does. The 24 h chaos run
/// of docs/reliability.md found the reference skipping them: a0 readings at 5 C that the paced run placed between a
/// door opening's readings above 15 C ended the excursions there in the gateway (four resolved upper_15 alerts 5 min
/// apart, the upper_8 delay never reached), while the reference expected one open upper_15 alert and an upper_8 alarm.
/// </summary>
public sealed class ExpectedAlertsTests
{
    private const long T = 1_767_225_600_000;
    private const long Min = 60_000;

    private static readonly ProfileRules Pharma = new(
    [
        new BandRule("temp_c_upper_8", "temp_c", "upper", 8, 30 * Min, 0.2),
        new BandRule("temp_c_upper_15", "temp_c", "upper", 15, 0, 0.5),
    ], ShockG: 4);

    /// <summary>12 readings at 20 C every 5 min from T (seq 100..111), two a0 readings at 5 C (seq 0, 1) and one a0 t_est.</summary>
    private static FleetManifest Warm()
    {
        var tag = new TagManifest("f", "CSQU3054383", "t1");
        for (int k = 0; k < 12; k++) tag.Readings.Add(new ManifestReading(1, 100 + k, T + (k * 5 * Min), 2000, 800, 10130, 5));
        tag.Readings.Add(new ManifestReading(1, 0, null, 500, 800, 10130, 5));
        tag.Readings.Add(new ManifestReading(1, 1, null, 500, 800, 10130, 5));
        tag.Readings.Add(new ManifestReading(1, 2, null, 500, 800, 10130, 5, Estimated: true));
        return new FleetManifest { Seed = 1, StartMs = T, EndMs = T + (60 * Min), Tags = [tag] };
    }

    private static AlertFact Fact(string band, long sinceMin, string state) => new("CSQU3054383", "temp_high", band, T + (sinceMin * Min), state);

    [Fact]
    public void A0_readings_are_judged_at_the_time_the_gateway_derived_for_them()
    {
        // Placed at 12.5 and 17.5 min: each ends both excursions (back inside by the hysteresis), the next reading at
        // 20 C starts them again. upper_15 (no delay) alarms three times; upper_8 (30 min) only for the excursion from
        // 20 min, at 50 min. The t_est reading is not judged and needs no time.
        Dictionary<(string Tag, long Boot, long Seq), long> a0 = new()
        {
            [("t1", 1, 0)] = T + (12 * Min) + (30 * 1000),
            [("t1", 1, 1)] = T + (17 * Min) + (30 * 1000),
        };

        List<AlertFact> expected = ExpectedAlerts.From(Warm(), Pharma, a0);

        Assert.Equal(
            [
                Fact("temp_c_upper_15", 0, "resolved"), Fact("temp_c_upper_15", 15, "resolved"), Fact("temp_c_upper_15", 20, "open"),
                Fact("temp_c_upper_8", 20, "open"),
            ],
            expected.OrderBy(a => a.Band, StringComparer.Ordinal).ThenBy(a => a.SinceMs));
    }

    [Fact]
    public void A0_readings_without_their_derived_time_are_refused_not_skipped()
    {
        var e = Assert.Throws<ArgumentException>(() => ExpectedAlerts.From(Warm(), Pharma));
        Assert.Contains("t1 boot 1 seq 0 was sent with a0", e.Message);
    }

    [Fact]
    public void Without_a0_readings_no_times_are_needed()
    {
        FleetManifest m = Warm();
        m.Tags[0].Readings.RemoveAll(r => r.TimeMs is null && !r.Estimated);

        // One excursion from T in each band: upper_15 at once, upper_8 after its 30 min delay; both still open.
        Assert.Equal([Fact("temp_c_upper_15", 0, "open"), Fact("temp_c_upper_8", 0, "open")],
            ExpectedAlerts.From(m, Pharma).OrderBy(a => a.Band, StringComparer.Ordinal));
    }
}
