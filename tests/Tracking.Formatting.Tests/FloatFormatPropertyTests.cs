using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Tracking.Formatting.Tests;

/// <summary>
/// Property: a double is written exactly as <c>value.ToString("R", InvariantCulture)</c>, the shortest round-trip
/// form, whether it takes the fast path for values of at most two decimals or the general formatter: values in
/// hundredths (the sensors'), near misses a little off a hundredth, any finite double, and the edges.
/// </summary>
public class FloatFormatPropertyTests
{
    private static readonly Gen<double> Hundredths =
        Gen.Choose(-1_000_000, 1_000_000).Select(k => k / 100.0);

    private static readonly Gen<double> NearHundredths =
        from k in Gen.Choose(-100_000, 100_000)
        from ulps in Gen.Choose(-3, 3)
        select Step(k / 100.0, ulps);

    private static readonly Gen<double> Wide =
        from hundredths in ArbMap.Default.ArbFor<long>().Generator
        from scale in Gen.Elements(1.0, 1e-2, 1e2, 1e-9, 1e7 + 0.5)
        select hundredths / 100.0 * scale;

    private static readonly Gen<double> Edges = Gen.Elements(0.0, -0.0, 0.01, -0.01, 0.005, 0.1, 999_999_999.99, 1e9, -1e9, 1e9 - 0.01,
        1e15, 1e-5, 9.99, 100.1, 0.30000000000000004, double.MaxValue, double.MinValue, double.Epsilon, 92_233_720_368_547_758.07);

    private static readonly Gen<double> Finite =
        ArbMap.Default.ArbFor<double>().Generator.Where(double.IsFinite);

    private static double Step(double value, int ulps)
    {
        for (; ulps > 0; ulps--) value = Math.BitIncrement(value);
        for (; ulps < 0; ulps++) value = Math.BitDecrement(value);
        return value;
    }

    private static string Written(double value)
    {
        Span<byte> buffer = stackalloc byte[FloatFormat.MaxBytes];
        return Encoding.ASCII.GetString(buffer[..FloatFormat.Write(value, buffer)]);
    }

    [Fact]
    public void A_double_is_the_shortest_round_trip_form()
    {
        Gen<double> values = Gen.Frequency((4, Hundredths), (2, NearHundredths), (2, Wide), (1, Edges), (2, Finite));
        Prop.ForAll(values.ToArbitrary(), value =>
        {
            string expected = value.ToString("R", CultureInfo.InvariantCulture);
            return Written(value) == expected
                && double.Parse(expected, CultureInfo.InvariantCulture).Equals(value);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(5_000));
    }

    [Theory]
    [InlineData(4.21, "4.21")]
    [InlineData(-40.05, "-40.05")]
    [InlineData(1013.2, "1013.2")]
    [InlineData(55.0, "55")]
    [InlineData(0.07, "0.07")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(999999999.99, "999999999.99")]
    public void Sensor_values_in_hundredths(double value, string expected)
    {
        Assert.Equal(expected, Written(value));
    }
}
