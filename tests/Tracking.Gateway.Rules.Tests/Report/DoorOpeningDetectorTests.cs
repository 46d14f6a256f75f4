using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Rules.Tests.Report;

/// <summary>Probable door openings from synthetic series of a reefer at 4 degC and 60 %RH, readings 5 min apart.</summary>
public class DoorOpeningDetectorTests
{
    private const long Step = 300_000;
    private static readonly DoorOpeningSettings Defaults = new();

    private static List<DoorOpening> Detect(int n, Func<int, (double T, double Rh)> at, Func<int, long>? time = null)
    {
        long[] times = [.. Enumerable.Range(0, n).Select(i => time?.Invoke(i) ?? i * Step)];
        double[] t = [.. Enumerable.Range(0, n).Select(i => at(i).T)];
        double[] rh = [.. Enumerable.Range(0, n).Select(i => at(i).Rh)];
        return DoorOpeningDetector.Detect("t1", times, t, rh, Defaults);
    }

    /// <summary>A door open at reading 20: warm humid air in, then the reefer pulls it back.</summary>
    private static (double, double) Door(int i) => i switch
    {
        20 => (10, 80), 21 => (12, 88), 22 => (9, 75), 23 => (7, 68), 24 => (5.5, 63), _ => (4, 60),
    };

    [Fact]
    public void A_door_opening_starts_at_the_jump_and_ends_back_within_half_of_it()
    {
        DoorOpening door = Assert.Single(Detect(40, Door));

        // Peak 12 (8 above 4, humidity 28 above 60 then); back within 4 degC of the level at 7 (reading 23).
        Assert.Equal((20 * Step, 23 * Step, 8.0, 28.0),
            (door.Start.ToUnixTimeMilliseconds(), door.End!.Value.ToUnixTimeMilliseconds(), door.TempDeltaC, door.RhDeltaPct));
    }

    [Fact]
    public void Colder_and_drier_outside_air_is_an_opening_too()
    {
        DoorOpening door = Assert.Single(Detect(40, i => i is 20 or 21 ? (-3, 40) : (4, 60)));
        Assert.Equal((-7.0, -20.0), (door.TempDeltaC, door.RhDeltaPct));
    }

    [Fact]
    public void Sensor_noise_and_a_slow_drift_are_no_opening()
    {
        Assert.Empty(Detect(300, i => (4 + (i % 3 == 0 ? 0.3 : -0.2), 60 + (i % 2 == 0 ? 2 : -2))));
        // A failing compressor: 3 degC/h and humidity rising with it; never a jump.
        Assert.Empty(Detect(100, i => (4 + (0.25 * i), 60 + (0.5 * i))));
    }

    [Fact]
    public void A_single_glitch_is_no_opening_and_a_jump_in_one_metric_alone_neither()
    {
        Assert.Empty(Detect(40, i => i == 20 ? (10, 80) : (4, 60)));
        Assert.Empty(Detect(40, i => i is 20 or 21 ? (10, 61) : (4, 60)));
        Assert.Empty(Detect(40, i => i is 20 or 21 ? (4.5, 80) : (4, 60)));
    }

    [Fact]
    public void A_noisy_reading_before_the_jump_does_not_move_the_level()
    {
        // Reading 19 reads 9 degC (noise): the median of 17-19 is still 4, so the door at 20 is measured from 4.
        DoorOpening door = Assert.Single(Detect(40, i => i == 19 ? (9, 60) : Door(i)));
        Assert.Equal(8.0, door.TempDeltaC);
    }

    [Fact]
    public void Readings_across_a_gap_are_not_compared()
    {
        // An hour without readings after reading 19; the level changed meanwhile (another set point): no opening.
        Assert.Empty(Detect(40, i => i < 20 ? (4, 60) : (12, 85), i => i < 20 ? i * Step : (i * Step) + 3_600_000));
    }

    [Fact]
    public void Missing_humidity_or_temperature_is_skipped_not_a_jump()
    {
        Assert.Empty(Detect(40, i => i is 20 or 21 ? (10, double.NaN) : (4, 60)));
        // Without humidity at all (no sensor), nothing is detected.
        Assert.Empty(Detect(40, i => (Door(i).Item1, double.NaN)));
        // A reading without humidity amid an opening does not hide it.
        Assert.Single(Detect(40, i => i == 19 ? (4, double.NaN) : Door(i)));
    }

    [Fact]
    public void An_opening_at_the_end_of_the_data_has_no_end_and_two_doors_are_two()
    {
        DoorOpening last = Assert.Single(Detect(22, Door));
        Assert.Null(last.End);
        List<DoorOpening> two = Detect(80, i => i < 40 ? Door(i) : Door(i - 30));
        Assert.Equal([20 * Step, 50 * Step], two.Select(d => d.Start.ToUnixTimeMilliseconds()));
    }
}
