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

    // The sums of the window's buckets in every slot but the newest bucket's (`_restSlot`), for Value at bucket
    // `_restIndex`: they change only when the window moves on to another bucket, or when a bucket in another slot is
    // written (an interval that began in the bucket before, a snapshot read), so a reading adds the newest bucket's slot
    // to them instead of summing all 96 (issue 12: 36 cache lines per reading once a trip covers its window). Summed in
    // slot order from the buckets alone whenever they are recomputed, so the value depends on the buckets, never on the
    // order in which intervals came (a re-run of the window after late data gives the same value as data in order).
    private bool _restKnown;
    private long _restIndex;
    private int _restSlot;
    private double _restWeight;
    private double _restFactor;

    /// <summary>Each bucket's index (its start over <see cref="BucketMs"/>), as an array: the JSON snapshot (version 1) field.</summary>
    public long[] Index
    {
        get => [.. (_buckets ?? NewBuckets()).Select(b => b.Index)];
        set
        {
            Bucket[] buckets = Buckets;
            for (int i = 0; i < BucketCount && i < value.Length; i++) buckets[i].Index = value[i];
            _restKnown = false;
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
            _restKnown = false;
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
            _restKnown = false;
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
            if (b.Used) used++;
        }
        return used;
    }

    /// <summary>Whether bucket <paramref name="slot"/> is in use (see <see cref="UsedBuckets"/>).</summary>
    public bool IsUsed(int slot) => _buckets is not null && _buckets[slot].Used;

    /// <summary>Sets bucket <paramref name="slot"/> of the ring (the snapshot's codec).</summary>
    public void SetBucket(int slot, long index, double weight, double weightedFactor)
    {
        Buckets[slot] = new Bucket { Index = index, Weight = weight, WeightedFactor = weightedFactor };
        _restKnown = false;
    }

    public void Add(long startMs, double weightMs, double tempC) => AddFactor(startMs, weightMs, MeanKineticTemperature.Factor(tempC));

    /// <summary><see cref="Add"/> with the Arrhenius factor already computed (the trip's sums use the same one).</summary>
    public void AddFactor(long startMs, double weightMs, double factor)
    {
        long index = BucketOf(startMs, out int slot);
        // A bucket in another slot than the newest one's is among the rest's sums: they are made again at the next value.
        if (slot != _restSlot) _restKnown = false;
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
        if (_buckets is null) return (MeanKineticTemperature.FromSums(0, 0), 0); // every bucket unused
        long now = BucketOf(nowMs, out int slot);
        if (!_restKnown || _restIndex != now)
        {
            double restWeight = 0, restFactor = 0;
            for (int i = 0; i < _buckets.Length; i++)
            {
                ref readonly Bucket b = ref _buckets[i];
                if (i != slot && b.Index > now - BucketCount && b.Index <= now)
                {
                    restWeight += b.Weight;
                    restFactor += b.WeightedFactor;
                }
            }
            (_restKnown, _restIndex, _restSlot, _restWeight, _restFactor) = (true, now, slot, restWeight, restFactor);
        }
        double weight = _restWeight, factor = _restFactor;
        ref readonly Bucket newest = ref _buckets[slot];
        if (newest.Index > now - BucketCount && newest.Index <= now)
        {
            weight += newest.Weight;
            factor += newest.WeightedFactor;
        }
        return (MeanKineticTemperature.FromSums(weight, factor), weight);
    }

    /// <summary>
    /// The index of the bucket holding <paramref name="ms"/> and its slot in the ring: the last one found when it holds it
    /// (consecutive readings mostly fall in one bucket: no division by the bucket length, issue 12).
    /// </summary>
    private long BucketOf(long ms, out int slot)
    {
        // Unsigned: ms at or after the bucket's start and less than its length after it, with no overflow.
        if (_lastStartMs != long.MaxValue && ms >= _lastStartMs && unchecked((ulong)(ms - _lastStartMs)) < (ulong)_bucketMs)
        {
            slot = _lastSlot;
            return _lastIndex;
        }
        long index = Math.DivRem(ms, _bucketMs, out long rem) - (rem < 0 ? 1 : 0);
        slot = (int)(((index % BucketCount) + BucketCount) % BucketCount);
        (_lastIndex, _lastSlot, _lastStartMs) = (index, slot, index * _bucketMs);
        return index;
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

        /// <summary>Not as every bucket starts, (long.MinValue, 0, 0).</summary>
        public readonly bool Used => Index != long.MinValue || Weight != 0 || WeightedFactor != 0;
    }
}
