using Tracking.Gateway.Rules.Prediction;

namespace Tracking.Gateway.Rules.Tests.Prediction;

/// <summary>The estimator against slopes and intercepts computed by hand (times in hours, the newest at 0).</summary>
public sealed class TheilSenTests
{
    private static TrendFit Fit(double[] hours, double[] values) =>
        TheilSen.Fit(hours, values, new double[TheilSen.PairCount(hours.Length)]);

    [Fact]
    public void A_straight_line_is_found_exactly()
    {
        // 1, 3, 5, 7 at -3..0 h: every pair has slope 2; the line is at 7 at the newest point.
        TrendFit fit = Fit([-3, -2, -1, 0], [1, 3, 5, 7]);
        Assert.Equal(2, fit.SlopePerHour, 12);
        Assert.Equal(7, fit.Level, 12);
        Assert.Equal(1, fit.Agreement);
        Assert.Equal(4, fit.Points);
    }

    [Fact]
    public void The_median_ignores_an_outlier()
    {
        // 0, 1, 2, 3, 30 at -4..0 h. Pairs among the first four: six slopes of 1. With the 30: 30/4 = 7.5, 29/3 = 9.67,
        // 28/2 = 14, 27/1 = 27. Sorted, the 5th and 6th of ten are both 1: slope 1 (least squares would say 5.9).
        // Intercepts v - 1 * t: 4, 4, 4, 4, 30 -> median 4 (the line at the newest point, not the outlier's 30).
        TrendFit fit = Fit([-4, -3, -2, -1, 0], [0, 1, 2, 3, 30]);
        Assert.Equal(1, fit.SlopePerHour, 12);
        Assert.Equal(4, fit.Level, 12);
        Assert.Equal(1, fit.Agreement);
    }

    [Fact]
    public void An_even_number_of_pairs_takes_the_mean_of_the_middle_two()
    {
        // 0, 2, 1, 4 at -3..0 h. Pair slopes: 2, 0.5, 4/3, -1, 1, 3 -> sorted -1, 0.5, 1, 4/3, 2, 3 -> (1 + 4/3) / 2 = 7/6.
        // Five of six pairs rise: agreement 5/6. Intercepts v - 7/6 t: 3.5, 13/3, 13/6, 4 -> median (3.5 + 4) / 2 = 3.75.
        TrendFit fit = Fit([-3, -2, -1, 0], [0, 2, 1, 4]);
        Assert.Equal(7.0 / 6, fit.SlopePerHour, 12);
        Assert.Equal(3.75, fit.Level, 12);
        Assert.Equal(5.0 / 6, fit.Agreement, 12);
    }

    [Fact]
    public void Points_at_the_same_time_give_no_slope()
    {
        TrendFit fit = Fit([0, 0], [1, 2]);
        Assert.False(fit.IsValid);
    }
}
