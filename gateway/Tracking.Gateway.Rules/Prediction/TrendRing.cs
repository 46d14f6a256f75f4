namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// The recent values of one metric of one stream, oldest first, in a fixed-size ring: a reading evicts the oldest
/// when the ring is full or the oldest is older than the window. Allocated once per stream and metric.
/// </summary>
internal sealed class TrendRing(int capacity)
{
    // Time and value side by side: a reading writes one cache line of the ring, not one in each of two arrays (issue 12:
    // the rings of a fleet's streams are visited in no order, so each array was a cache miss per reading).
    private readonly Point[] _points = new Point[capacity];
    private int _head;

    public int Count { get; private set; }

    public int Capacity => _points.Length;

    public long NewestMs => Count == 0 ? long.MinValue : _points[Wrap(_head + Count - 1)].TimeMs;

    public long OldestMs => Count == 0 ? long.MinValue : _points[_head].TimeMs;

    /// <summary>
    /// The slopes of the last fits of the whole ring and of its recent and early halves (NaN: none since it was
    /// cleared): the next fit's guess (<see cref="TheilSen.Fit"/>'s hint), which saves its selection most of its work.
    /// </summary>
    public double WholeHint = double.NaN, RecentHint = double.NaN, EarlyHint = double.NaN;

    public void Clear()
    {
        _head = 0;
        Count = 0;
        WholeHint = RecentHint = EarlyHint = double.NaN;
    }

    /// <summary>Adds a value (in time order), dropping values older than <paramref name="windowMs"/> before it.</summary>
    public void Add(long timeMs, double value, long windowMs)
    {
        while (Count > 0 && _points[_head].TimeMs < timeMs - windowMs) Drop();
        if (Count == _points.Length) Drop();
        _points[Wrap(_head + Count)] = new Point(timeMs, value);
        Count++;
    }

    /// <summary>Copies the values from <paramref name="sinceMs"/> on, with their times in hours before the newest; returns how many.</summary>
    public int CopyTo(Span<double> hours, Span<double> values, long sinceMs)
    {
        long newest = NewestMs;
        int n = 0;
        for (int i = 0, at = _head; i < Count; i++, at = at + 1 == _points.Length ? 0 : at + 1)
        {
            Point p = _points[at];
            if (p.TimeMs < sinceMs) continue;
            hours[n] = (p.TimeMs - newest) / 3_600_000.0;
            values[n] = p.Value;
            n++;
        }
        return n;
    }

    /// <summary>An index into the ring from one that may be up to a lap past its end (no division: this runs per reading).</summary>
    private int Wrap(int index) => index >= _points.Length ? index - _points.Length : index;

    private void Drop()
    {
        _head = Wrap(_head + 1);
        Count--;
    }

    private readonly record struct Point(long TimeMs, double Value);
}
