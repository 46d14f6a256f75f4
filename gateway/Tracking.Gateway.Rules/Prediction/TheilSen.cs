namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// The Theil-Sen estimator: slope = median of the slopes of all pairs of points, intercept = median of
/// <c>v - slope * t</c>. Robust where a least-squares line is not: up to about 29 % of the points can be anything
/// (a door opening, a sensor glitch) without moving it far. O(n^2) pairs, so callers keep n small (at most 64).
/// </summary>
internal static class TheilSen
{
    /// <summary>Pairs of <paramref name="n"/> points: the size of the scratch buffer <see cref="Fit"/> needs.</summary>
    public static int PairCount(int n) => n * (n - 1) / 2;

    /// <summary>
    /// Fits <paramref name="values"/> at <paramref name="hours"/> (times relative to the newest point, in hours;
    /// pairs at the same time are skipped). Allocates nothing: <paramref name="scratch"/> holds the pairwise slopes
    /// and must have room for <see cref="PairCount"/> of the points.
    /// </summary>
    public static TrendFit Fit(ReadOnlySpan<double> hours, ReadOnlySpan<double> values, Span<double> scratch)
    {
        int n = hours.Length;
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dt = hours[j] - hours[i];
                if (dt != 0) scratch[m++] = (values[j] - values[i]) / dt;
            }
        }
        if (m == 0) return TrendFit.None;
        Span<double> slopes = scratch[..m];
        double slope = Median(slopes);
        int agree = 0;
        foreach (double s in slopes)
        {
            if (Math.Sign(s) == Math.Sign(slope)) agree++;
        }

        // The intercept at the newest point (t = 0), reusing the front of the scratch buffer.
        Span<double> residuals = scratch[..n];
        for (int i = 0; i < n; i++) residuals[i] = values[i] - (slope * hours[i]);
        return new TrendFit(slope, Median(residuals), (double)agree / m, n);
    }

    /// <summary>The median (mean of the two middle values for an even count); reorders <paramref name="xs"/>.</summary>
    public static double Median(Span<double> xs)
    {
        int n = xs.Length;
        int k = (n - 1) / 2;
        double lower = Select(xs, k);
        if (n % 2 == 1) return lower;
        // After the selection everything right of k is at least xs[k]: the upper middle is their minimum.
        double upper = double.PositiveInfinity;
        for (int i = k + 1; i < n; i++) upper = Math.Min(upper, xs[i]);
        return (lower + upper) / 2;
    }

    /// <summary>Quickselect: the k-th smallest (0-based), with smaller values left of k and larger right of it.</summary>
    private static double Select(Span<double> xs, int k)
    {
        int lo = 0, hi = xs.Length - 1;
        while (lo < hi)
        {
            // Median of three as the pivot: sorted or reversed input (a steady ramp) stays O(n).
            double pivot = MedianOf3(xs[lo], xs[(lo + hi) >>> 1], xs[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (xs[i] < pivot) i++;
                while (xs[j] > pivot) j--;
                if (i <= j)
                {
                    (xs[i], xs[j]) = (xs[j], xs[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return xs[k];
        }
        return xs[k];
    }

    private static double MedianOf3(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
