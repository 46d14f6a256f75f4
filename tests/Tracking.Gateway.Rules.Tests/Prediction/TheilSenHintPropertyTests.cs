using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Prediction;

namespace Tracking.Gateway.Rules.Tests.Prediction;

/// <summary>
/// Issue 12: the fit takes the previous slope as a hint to find the median of the pairwise slopes faster. The hint must
/// change nothing: the median found from any hint (close, far, on a value, between duplicates, beyond every value) is
/// the quickselect median bit for bit, and a whole fit with a hint equals the fit without one. Tolerance: none.
/// </summary>
public sealed class TheilSenHintPropertyTests
{
    // Few distinct values (many ties) or many; odd and even counts; up to the 2,016 pair slopes of a full 64-point ring.
    private static readonly Gen<double[]> Values =
        from count in Gen.Choose(1, 2016)
        from distinct in Gen.Elements(2, 5, 1000, 1_000_000)
        from raw in Gen.ArrayOf(Gen.Choose(-distinct, distinct), count)
        select raw.Select(v => v / 1000.0).ToArray();

    private static readonly Gen<(double[] Xs, double Hint)> MedianCase =
        from xs in Values
        from kind in Gen.Choose(0, 4)
        from at in Gen.Choose(0, xs.Length - 1)
        from offset in Gen.Choose(-3000, 3000)
        select (xs, kind switch
        {
            0 => xs[at], // exactly a value
            1 => xs[at] + (offset / 1e6), // near a value
            2 => offset / 1000.0, // anywhere in the range
            3 => double.MaxValue, // above every value
            _ => -double.MaxValue, // below every value
        });

    [Fact]
    public void The_median_from_a_hint_is_the_median()
    {
        Prop.ForAll(MedianCase.ToArbitrary(), c =>
        {
            double expected = TheilSen.Median((double[])c.Xs.Clone());
            double actual = TheilSen.MedianNear((double[])c.Xs.Clone(), c.Hint);
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
            {
                throw new InvalidOperationException($"n {c.Xs.Length}, hint {c.Hint}: median {expected}, from the hint {actual}");
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void The_median_near_its_hint_is_found_without_reordering_and_far_from_it_by_quickselect()
    {
        // 101 values 0..100 shuffled: median 50. A hint of 49.5 is one rank off (the buffer); -1000 is 50 ranks off
        // (quickselect, which reorders). Both give 50.
        double[] xs = [.. Enumerable.Range(0, 101).Select(i => (double)((i * 37) % 101))];
        double[] near = (double[])xs.Clone();
        Assert.Equal(50, TheilSen.MedianNear(near, 49.5));
        Assert.Equal(xs, near);
        double[] far = (double[])xs.Clone();
        Assert.Equal(50, TheilSen.MedianNear(far, -1000));
        Assert.NotEqual(xs, far);
    }

    private static readonly Gen<(double[] Hours, double[] Values, double Hint)> FitCase =
        from n in Gen.Choose(2, 64)
        from steps in Gen.ArrayOf(Gen.Choose(0, 12), n) // 5-min steps, 0: two readings at the same time
        from values in Gen.ArrayOf(Gen.Choose(-500, 1500), n)
        from hint in Gen.Choose(-2000, 2000)
        select (Hours(steps), values.Select(v => v / 100.0).ToArray(), hint / 100.0);

    private static double[] Hours(int[] steps)
    {
        var minutes = new long[steps.Length];
        for (int i = 1; i < steps.Length; i++) minutes[i] = minutes[i - 1] + (5L * steps[i]);
        return [.. minutes.Select(m => (m - minutes[^1]) / 60.0)];
    }

    [Fact]
    public void A_fit_with_a_hint_equals_the_fit_without()
    {
        Prop.ForAll(FitCase.ToArbitrary(), c =>
        {
            TrendFit plain = TheilSen.Fit(c.Hours, c.Values, new double[TheilSen.PairCount(64)]);
            TrendFit hinted = TheilSen.Fit(c.Hours, c.Values, new double[TheilSen.PairCount(64)], c.Hint);
            TrendFit fromPlain = TheilSen.Fit(c.Hours, c.Values, new double[TheilSen.PairCount(64)], plain.SlopePerHour);
            if (!plain.Equals(hinted) || !plain.Equals(fromPlain))
            {
                throw new InvalidOperationException($"without a hint {plain}, with {c.Hint}: {hinted}, with its own slope: {fromPlain}");
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
