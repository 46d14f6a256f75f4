using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// The recent values of one metric, oldest first, in a fixed-size ring: a value evicts the oldest when the ring is full
/// or the oldest is older than the trend window. The predictor fills one per metric from a stream's window when it fits
/// that stream's trend (<see cref="Fill"/>), and reuses it for the next stream.
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

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }

    /// <summary>
    /// The ring as if the window's readings up to <paramref name="last"/> had been added to it one by one, each with a
    /// value of <paramref name="metric"/> (not NaN): the newest of them, at most the capacity, none older than
    /// <paramref name="windowMs"/> before the newest. Only those are read, from the newest back.
    /// </summary>
    public void Fill(SampleWindow samples, int last, Metric metric, long windowMs)
    {
        Clear();
        int from = last + 1, found = 0;
        long newestMs = long.MinValue;
        for (int i = last; i >= 0 && found < _points.Length; i--)
        {
            ref readonly Sample x = ref samples[i];
            if (double.IsNaN(Value(x, metric))) continue;
            if (found == 0) newestMs = x.TimeMs;
            else if (x.TimeMs < newestMs - windowMs) break;
            from = i;
            found++;
        }
        for (int i = from; i <= last; i++)
        {
            ref readonly Sample x = ref samples[i];
            double value = Value(x, metric);
            if (!double.IsNaN(value)) Add(x.TimeMs, value, windowMs);
        }
    }

    private static double Value(in Sample x, Metric metric) => metric == Metric.TemperatureC ? x.TempC : x.RhPct;

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
