using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Rules.Tests.Report;

/// <summary>Air legs from synthetic pressure series, readings 5 min apart unless said otherwise.</summary>
public class AirLegDetectorTests
{
    private const long Step = 300_000;
    private static readonly AirLegSettings Defaults = new();

    /// <summary>A series of <paramref name="n"/> readings; <paramref name="at"/> gives the pressure of reading i.</summary>
    private static (long[] Times, double[] Hpa) Series(int n, Func<int, double> at) =>
        ([.. Enumerable.Range(0, n).Select(i => i * Step)], [.. Enumerable.Range(0, n).Select(at)]);

    private static List<TransportLeg> Detect((long[] Times, double[] Hpa) s) => AirLegDetector.Detect("t1", s.Times, s.Hpa, Defaults);

    /// <summary>Ground 1 h, 3 h at cruise (readings 12-47), ground 1 h.</summary>
    private static double Flight(int i) => i is >= 12 and < 48 ? 790 : 1013;

    [Fact]
    public void A_flight_is_one_leg_from_its_first_to_its_last_reading_at_cabin_pressure()
    {
        TransportLeg leg = Assert.Single(Detect(Series(60, Flight)));

        Assert.Equal((12 * Step, 47 * Step), (leg.Start.ToUnixTimeMilliseconds(), leg.End.ToUnixTimeMilliseconds()));
        Assert.Equal((35 * 300.0, 790.0, 790.0, "air"), (leg.DurationS, leg.MinHpa, leg.MeanHpa, leg.Kind));
    }

    [Fact]
    public void Noise_and_a_single_wild_reading_neither_break_nor_make_a_leg()
    {
        // +-4 hPa noise; one 1013 reading in the middle of the cruise; one 800 reading on the ground.
        List<TransportLeg> legs = Detect(Series(60, i => i == 30 ? 1013 : i == 5 ? 800 : Flight(i) + (i % 2 == 0 ? 4 : -4)));

        TransportLeg leg = Assert.Single(legs);
        Assert.Equal((12 * Step, 47 * Step), (leg.Start.ToUnixTimeMilliseconds(), leg.End.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public void A_short_dip_out_of_the_band_continues_the_leg_a_longer_one_splits_it()
    {
        // Readings 25-27 out (15 min from the last in-band reading to the last out one): one leg.
        Assert.Single(Detect(Series(60, i => i is >= 25 and <= 27 ? 900 : Flight(i))));
        // Readings 25-29 out (25 min): two legs, 12-24 and 30-47, each over an hour.
        List<TransportLeg> two = Detect(Series(60, i => i is >= 25 and <= 29 ? 900 : Flight(i)));
        Assert.Equal([(12 * Step, 24 * Step), (30 * Step, 47 * Step)],
            two.Select(l => (l.Start.ToUnixTimeMilliseconds(), l.End.ToUnixTimeMilliseconds())));
    }

    [Fact]
    public void Less_than_the_minimum_time_at_cabin_pressure_is_no_leg()
    {
        // 11 readings: 50 min from first to last.
        Assert.Empty(Detect(Series(40, i => i is >= 10 and < 21 ? 790 : 1013)));
        // 13 readings: exactly 1 h, the minimum: a leg.
        Assert.Single(Detect(Series(40, i => i is >= 10 and < 23 ? 790 : 1013)));
    }

    [Fact]
    public void Missing_pressure_short_is_bridged_long_ends_the_leg_none_at_all_is_no_leg()
    {
        // 20 min without pressure (readings 20-23 NaN: 25 min between values): one leg.
        Assert.Single(Detect(Series(60, i => i is >= 20 and <= 23 ? double.NaN : Flight(i))));
        // 1 h without pressure: 12-19 and 32-47 are separate; only the second lasts an hour.
        List<TransportLeg> legs = Detect(Series(60, i => i is >= 20 and <= 31 ? double.NaN : Flight(i)));
        TransportLeg leg = Assert.Single(legs);
        Assert.Equal(32 * Step, leg.Start.ToUnixTimeMilliseconds());
        // No pressure sensor.
        Assert.Empty(Detect(Series(60, _ => double.NaN)));
    }

    [Fact]
    public void A_gap_in_the_readings_themselves_ends_the_leg()
    {
        (long[] times, double[] hpa) = Series(60, Flight);
        for (int i = 30; i < 60; i++) times[i] += 3_600_000; // an hour without readings after reading 29
        List<TransportLeg> legs = AirLegDetector.Detect("t1", times, hpa, Defaults);
        Assert.Equal([(12 * Step, 29 * Step), ((30 * Step) + 3_600_000, (47 * Step) + 3_600_000)],
            legs.Select(l => (l.Start.ToUnixTimeMilliseconds(), l.End.ToUnixTimeMilliseconds())));
    }

    [Fact]
    public void The_band_is_inclusive_and_ground_weather_is_no_leg()
    {
        Assert.Single(Detect(Series(30, i => i % 2 == 0 ? 750 : 850)));
        Assert.Empty(Detect(Series(30, i => i % 2 == 0 ? 749.9 : 850.1)));
        Assert.Empty(Detect(Series(300, i => 1013 + (25 * Math.Sin(i / 40.0)))));
    }

    [Fact]
    public void Still_in_the_air_at_the_end_of_the_data_the_leg_ends_at_the_last_reading()
    {
        TransportLeg leg = Assert.Single(Detect(Series(40, i => i >= 12 ? 790 : 1013)));
        Assert.Equal(39 * Step, leg.End.ToUnixTimeMilliseconds());
    }
}
