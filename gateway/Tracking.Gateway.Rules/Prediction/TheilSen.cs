namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// The Theil-Sen estimator: slope = median of the slopes of all pairs of points, intercept = median of
/// <c>v - slope * t</c>. Robust where a least-squares line is not: up to about 29 % of the points can be anything
/// (a door opening, a sensor glitch) without moving it far. O(n^2) pairs, so callers keep n small (at most 64).
/// </summary>
internal static class TheilSen
{
    /// <summary>
    /// Widest rank distance between the hint and the median that <see cref="MedianNear"/> closes with its small sorted
    /// buffer; further away it falls back to quickselect. Consecutive fits of a ring share all pairs but the 2(n - 1) of
    /// the point that came and the one that left, so the median's rank moves by a few places at most between them.
    /// </summary>
    internal const int NearRanks = 24;

    /// <summary>Pairs of <paramref name="n"/> points: the size of the scratch buffer <see cref="Fit"/> needs.</summary>
    public static int PairCount(int n) => n * (n - 1) / 2;

    /// <summary>
    /// Fits <paramref name="values"/> at <paramref name="hours"/> (times relative to the newest point, in hours;
    /// pairs at the same time are skipped). Allocates nothing: <paramref name="scratch"/> holds the pairwise slopes
    /// and must have room for <see cref="PairCount"/> of the points. <paramref name="hint"/> (issue 12: the fit was
    /// most of the rules' cost) is a guess of the slope, usually the previous fit's: it only speeds the selection up,
    /// the result is the same, bit for bit, whatever the hint (NaN: none).
    /// </summary>
    public static TrendFit Fit(ReadOnlySpan<double> hours, ReadOnlySpan<double> values, Span<double> scratch, double hint = double.NaN)
    {
        int n = hours.Length;
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            double ti = hours[i], vi = values[i];
            for (int j = i + 1; j < n; j++)
            {
                double dt = hours[j] - ti;
                if (dt != 0) scratch[m++] = (values[j] - vi) / dt;
            }
        }
        if (m == 0) return TrendFit.None;
        Span<double> slopes = scratch[..m];
        double slope = double.IsFinite(hint) ? MedianNear(slopes, hint) : Median(slopes);
        int agree = Agreeing(slopes, slope);

        // The intercept at the newest point (t = 0), reusing the front of the scratch buffer.
        Span<double> residuals = scratch[..n];
        for (int i = 0; i < n; i++) residuals[i] = values[i] - (slope * hours[i]);
        return new TrendFit(slope, Median(residuals), (double)agree / m, n);
    }

    /// <summary>How many of <paramref name="slopes"/> have the sign of <paramref name="slope"/> (Math.Sign's, without its branches).</summary>
    private static int Agreeing(ReadOnlySpan<double> slopes, double slope)
    {
        int agree = 0;
        if (slope > 0)
        {
            foreach (double s in slopes) agree += s > 0 ? 1 : 0;
        }
        else if (slope < 0)
        {
            foreach (double s in slopes) agree += s < 0 ? 1 : 0;
        }
        else
        {
            foreach (double s in slopes) agree += s == 0 ? 1 : 0;
        }
        return agree;
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

    /// <summary>
    /// The same value as <see cref="Median"/> (the same elements, combined the same way), found from a guess: one pass
    /// counts the values below <paramref name="hint"/>, which gives the rank of the hint; a second keeps, in a small
    /// sorted buffer, the few values between the hint and the middle ranks. Quickselect when the hint is more than
    /// <see cref="NearRanks"/> ranks off. Leaves <paramref name="xs"/> unchanged unless it falls back. Values must not be NaN.
    /// </summary>
    public static double MedianNear(Span<double> xs, double hint)
    {
        int n = xs.Length;
        int k = (n - 1) / 2;
        bool even = n % 2 == 0;
        int below = 0;
        foreach (double x in xs) below += x < hint ? 1 : 0;
        Span<double> buffer = stackalloc double[NearRanks + 2];
        if (below <= k)
        {
            // The middle ranks are among the values at or above the hint: the (k - below)-th smallest of them and the next.
            int need = k - below + (even ? 2 : 1);
            if (need > buffer.Length) return Median(xs);
            Span<double> smallest = buffer[..need];
            SmallestFrom(xs, hint, smallest);
            double lower = smallest[k - below];
            return even ? (lower + smallest[k - below + 1]) / 2 : lower;
        }
        else
        {
            // The lower middle is the (below - 1 - k)-th largest value under the hint; the upper middle (even count) the
            // next largest, or the smallest at or above the hint when the lower middle is the largest under it.
            int need = below - k;
            if (need > buffer.Length) return Median(xs);
            Span<double> largest = buffer[..need];
            LargestUnder(xs, hint, largest);
            double lower = largest[below - 1 - k];
            if (!even) return lower;
            double upper;
            if (below - 2 - k >= 0)
            {
                upper = largest[below - 2 - k];
            }
            else
            {
                upper = double.PositiveInfinity;
                foreach (double x in xs) upper = x >= hint ? Math.Min(upper, x) : upper;
            }
            return (lower + upper) / 2;
        }
    }

    /// <summary>The <c>into.Length</c> smallest values at or above <paramref name="from"/>, ascending (callers ask for no more than there are).</summary>
    private static void SmallestFrom(ReadOnlySpan<double> xs, double from, Span<double> into)
    {
        into.Fill(double.PositiveInfinity);
        int last = into.Length - 1;
        foreach (double x in xs)
        {
            if (x < from || x >= into[last]) continue;
            int i = last;
            while (i > 0 && into[i - 1] > x)
            {
                into[i] = into[i - 1];
                i--;
            }
            into[i] = x;
        }
    }

    /// <summary>The <c>into.Length</c> largest values below <paramref name="under"/>, descending.</summary>
    private static void LargestUnder(ReadOnlySpan<double> xs, double under, Span<double> into)
    {
        into.Fill(double.NegativeInfinity);
        int last = into.Length - 1;
        foreach (double x in xs)
        {
            if (x >= under || x <= into[last]) continue;
            int i = last;
            while (i > 0 && into[i - 1] < x)
            {
                into[i] = into[i - 1];
                i--;
            }
            into[i] = x;
        }
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
