namespace Tracking.Gateway.Rules.Mkt;

/// <summary>
/// MKT over a rolling window, kept as <see cref="BucketCount"/> per-bucket sums in a ring: adding an interval touches one
/// bucket, and the window's value sums the live buckets (a fixed 96 additions), never the readings. An interval counts
/// in the bucket of its start, so the window's edge is exact to one bucket (15 min of a 24 h window). Intervals must come
/// in time order (the engine evaluates in time order, re-running its window after late data).
/// </summary>
public sealed class RollingMkt
{
    public const int BucketCount = 96;

    public long BucketMs { get; set; }
    public long[] Index { get; set; } = new long[BucketCount];
    public double[] Weight { get; set; } = new double[BucketCount];
    public double[] WeightedFactor { get; set; } = new double[BucketCount];

    public RollingMkt()
    {
    }

    public RollingMkt(TimeSpan window)
    {
        BucketMs = Math.Max(1, (long)window.TotalMilliseconds / BucketCount);
        Array.Fill(Index, long.MinValue);
    }

    public void Add(long startMs, double weightMs, double tempC) => AddFactor(startMs, weightMs, MeanKineticTemperature.Factor(tempC));

    /// <summary><see cref="Add"/> with the Arrhenius factor already computed (the trip's sums use the same one).</summary>
    public void AddFactor(long startMs, double weightMs, double factor)
    {
        long index = Math.DivRem(startMs, BucketMs, out long rem) - (rem < 0 ? 1 : 0);
        int slot = (int)(((index % BucketCount) + BucketCount) % BucketCount);
        if (Index[slot] != index)
        {
            // The slot held a bucket that has left the window: start it afresh.
            Index[slot] = index;
            Weight[slot] = 0;
            WeightedFactor[slot] = 0;
        }
        Weight[slot] += weightMs;
        WeightedFactor[slot] += weightMs * factor;
    }

    /// <summary>The MKT in degC over the window ending at <paramref name="nowMs"/>, and the time it covers.</summary>
    public (double Celsius, double CoveredMs) Value(long nowMs)
    {
        long now = Math.DivRem(nowMs, BucketMs, out long rem) - (rem < 0 ? 1 : 0);
        double weight = 0, factor = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            if (Index[i] > now - BucketCount && Index[i] <= now)
            {
                weight += Weight[i];
                factor += WeightedFactor[i];
            }
        }
        return (MeanKineticTemperature.FromSums(weight, factor), weight);
    }

    public RollingMkt Clone() => new()
    {
        BucketMs = BucketMs, Index = (long[])Index.Clone(), Weight = (double[])Weight.Clone(), WeightedFactor = (double[])WeightedFactor.Clone(),
    };
}
