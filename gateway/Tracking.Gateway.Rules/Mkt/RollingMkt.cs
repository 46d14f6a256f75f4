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

    // One array of buckets, not one per field: an interval adds to one cache line, not three, and a state's clone
    // allocates one array, not three (issue 12: a fleet's streams are visited in no order, so each of the three arrays'
    // slots was a cache miss of its own per reading). Null while every bucket is unused (long.MinValue, 0, 0): a new
    // stream's two states (before and after its window) and their clones hold none until an interval is added, and
    // the state before the window gets its first only when the window is first trimmed (issue 12: 2.3 KB of the
    // 16 KB a new stream kept; a fleet seen for the first time, as in bench ingest --cold-fleet, makes them all at once).
    private Bucket[]? _buckets;

    /// <summary>Every bucket (0, 0, 0), for the JSON snapshot (version 1) to fill.</summary>
    public RollingMkt()
    {
        _buckets = new Bucket[BucketCount];
    }

    /// <summary>Every bucket unused.</summary>
    public RollingMkt(TimeSpan window)
        : this(Math.Max(1, (long)window.TotalMilliseconds / BucketCount))
    {
    }

    /// <summary>Every bucket unused, each <paramref name="bucketMs"/> long (a clone's, the snapshot codec's).</summary>
    internal RollingMkt(long bucketMs)
    {
        BucketMs = bucketMs;
    }

    public long BucketMs
    {
        get => _bucketMs;
        set
        {
            _bucketMs = value;
            _lastStartMs = long.MaxValue; // the last bucket's bounds were of the old length
        }
    }

    private long _bucketMs;

    // The bucket the last interval went to: its index, slot and start. Consecutive readings mostly fall in one bucket (15
    // min of a 24 h window), found then without the division by the bucket length (issue 12: two 64-bit divisions per
    // reading). long.MaxValue: none yet.
    private long _lastIndex;
    private int _lastSlot;
    private long _lastStartMs = long.MaxValue;

    /// <summary>Each bucket's index (its start over <see cref="BucketMs"/>), as an array: the JSON snapshot (version 1) field.</summary>
    public long[] Index
    {
        get => [.. (_buckets ?? NewBuckets()).Select(b => b.Index)];
        set
        {
            Bucket[] buckets = Buckets;
            for (int i = 0; i < BucketCount && i < value.Length; i++) buckets[i].Index = value[i];
        }
    }

    /// <summary>Each bucket's covered time (ms), as an array: the JSON snapshot (version 1) field.</summary>
    public double[] Weight
    {
        get => [.. (_buckets ?? NewBuckets()).Select(b => b.Weight)];
        set
        {
            Bucket[] buckets = Buckets;
            for (int i = 0; i < BucketCount && i < value.Length; i++) buckets[i].Weight = value[i];
        }
    }

    /// <summary>Each bucket's sum of time times Arrhenius factor, as an array: the JSON snapshot (version 1) field.</summary>
    public double[] WeightedFactor
    {
        get => [.. (_buckets ?? NewBuckets()).Select(b => b.WeightedFactor)];
        set
        {
            Bucket[] buckets = Buckets;
            for (int i = 0; i < BucketCount && i < value.Length; i++) buckets[i].WeightedFactor = value[i];
        }
    }

    /// <summary>Bucket <paramref name="slot"/> of the ring (the snapshot's codec).</summary>
    public (long Index, double Weight, double WeightedFactor) BucketAt(int slot)
    {
        if (_buckets is null) return (long.MinValue, 0, 0);
        Bucket b = _buckets[slot];
        return (b.Index, b.Weight, b.WeightedFactor);
    }

    /// <summary>How many buckets are in use, not (long.MinValue, 0, 0) as they start (the snapshot's codec writes only those).</summary>
    public int UsedBuckets()
    {
        int used = 0;
        foreach (ref readonly Bucket b in _buckets.AsSpan()) // none while every bucket is unused
        {
            if (b.Index != long.MinValue || b.Weight != 0 || b.WeightedFactor != 0) used++;
        }
        return used;
    }

    /// <summary>Sets bucket <paramref name="slot"/> of the ring (the snapshot's codec).</summary>
    public void SetBucket(int slot, long index, double weight, double weightedFactor) => Buckets[slot] = new Bucket
    {
        Index = index, Weight = weight, WeightedFactor = weightedFactor,
    };

    public void Add(long startMs, double weightMs, double tempC) => AddFactor(startMs, weightMs, MeanKineticTemperature.Factor(tempC));

    /// <summary><see cref="Add"/> with the Arrhenius factor already computed (the trip's sums use the same one).</summary>
    public void AddFactor(long startMs, double weightMs, double factor)
    {
        long index;
        int slot;
        // Unsigned: startMs at or after the bucket's start and less than its length after it, with no overflow.
        if (_lastStartMs != long.MaxValue && startMs >= _lastStartMs && unchecked((ulong)(startMs - _lastStartMs)) < (ulong)_bucketMs)
        {
            (index, slot) = (_lastIndex, _lastSlot);
        }
        else
        {
            index = Math.DivRem(startMs, _bucketMs, out long rem) - (rem < 0 ? 1 : 0);
            slot = (int)(((index % BucketCount) + BucketCount) % BucketCount);
            (_lastIndex, _lastSlot, _lastStartMs) = (index, slot, index * _bucketMs);
        }
        ref Bucket b = ref Buckets[slot];
        if (b.Index != index)
        {
            // The slot held a bucket that has left the window: start it afresh.
            b.Index = index;
            b.Weight = 0;
            b.WeightedFactor = 0;
        }
        b.Weight += weightMs;
        b.WeightedFactor += weightMs * factor;
    }

    /// <summary>The MKT in degC over the window ending at <paramref name="nowMs"/>, and the time it covers.</summary>
    public (double Celsius, double CoveredMs) Value(long nowMs)
    {
        long now = Math.DivRem(nowMs, BucketMs, out long rem) - (rem < 0 ? 1 : 0);
        double weight = 0, factor = 0;
        foreach (ref readonly Bucket b in _buckets.AsSpan()) // none while every bucket is unused
        {
            if (b.Index > now - BucketCount && b.Index <= now)
            {
                weight += b.Weight;
                factor += b.WeightedFactor;
            }
        }
        return (MeanKineticTemperature.FromSums(weight, factor), weight);
    }

    public RollingMkt Clone() => new(BucketMs) { _buckets = (Bucket[]?)_buckets?.Clone() };

    /// <summary>The buckets, made (every one unused) at the first that is set.</summary>
    private Bucket[] Buckets => _buckets ??= NewBuckets();

    private static Bucket[] NewBuckets()
    {
        var buckets = new Bucket[BucketCount];
        foreach (ref Bucket b in buckets.AsSpan()) b.Index = long.MinValue;
        return buckets;
    }

    private struct Bucket
    {
        public long Index;
        public double Weight;
        public double WeightedFactor;
    }
}
