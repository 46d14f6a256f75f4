namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// The recent values of one metric of one stream, oldest first, in a fixed-size ring: a reading evicts the oldest
/// when the ring is full or the oldest is older than the window. Allocated once per stream and metric.
/// </summary>
internal sealed class TrendRing(int capacity)
{
    private readonly long[] _times = new long[capacity];
    private readonly double[] _values = new double[capacity];
    private int _head;

    public int Count { get; private set; }

    public long NewestMs => Count == 0 ? long.MinValue : _times[(_head + Count - 1) % _times.Length];

    public long OldestMs => Count == 0 ? long.MinValue : _times[_head];

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }

    /// <summary>Adds a value (in time order), dropping values older than <paramref name="windowMs"/> before it.</summary>
    public void Add(long timeMs, double value, long windowMs)
    {
        while (Count > 0 && _times[_head] < timeMs - windowMs) Drop();
        if (Count == _times.Length) Drop();
        int at = (_head + Count) % _times.Length;
        _times[at] = timeMs;
        _values[at] = value;
        Count++;
    }

    /// <summary>Copies the values from <paramref name="sinceMs"/> on, with their times in hours before the newest; returns how many.</summary>
    public int CopyTo(Span<double> hours, Span<double> values, long sinceMs)
    {
        long newest = NewestMs;
        int n = 0;
        for (int i = 0; i < Count; i++)
        {
            int at = (_head + i) % _times.Length;
            if (_times[at] < sinceMs) continue;
            hours[n] = (_times[at] - newest) / 3_600_000.0;
            values[n] = _values[at];
            n++;
        }
        return n;
    }

    private void Drop()
    {
        _head = (_head + 1) % _times.Length;
        Count--;
    }
}
