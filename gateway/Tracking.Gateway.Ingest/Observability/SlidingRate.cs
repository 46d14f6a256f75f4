namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// Events per minute of a growing counter over a sliding window, from samples of the counter kept at most every
/// window/60: the rate is the growth since the oldest sample still in the window (or the newest one before it). Until a
/// window has passed the growth is divided by at least a minute, so a burst right after the start does not read as a
/// huge rate. Thread-safe.
/// </summary>
internal sealed class SlidingRate
{
    private const int Slots = 60;

    private readonly object _sync = new();
    private readonly TimeSpan _window;
    private readonly TimeSpan _spacing;
    private readonly TimeProvider _time;
    private readonly long[] _times = new long[Slots + 2];
    private readonly long[] _counts = new long[Slots + 2];
    private int _first;
    private int _size;

    public SlidingRate(TimeSpan window, TimeProvider? time = null)
    {
        _window = window;
        _spacing = window / Slots;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Records <paramref name="count"/> (the counter now) and returns the rate per minute over the window.</summary>
    public double PerMinute(long count)
    {
        lock (_sync)
        {
            long now = _time.GetTimestamp();
            // Keep one sample at or before the window's start as the baseline; drop the older ones.
            while (_size >= 2 && _time.GetElapsedTime(_times[(_first + 1) % _times.Length], now) >= _window)
            {
                _first = (_first + 1) % _times.Length;
                _size--;
            }

            if (_size == 0 || _time.GetElapsedTime(_times[(_first + _size - 1) % _times.Length], now) >= _spacing)
            {
                if (_size == _times.Length)
                {
                    _first = (_first + 1) % _times.Length;
                    _size--;
                }

                int slot = (_first + _size) % _times.Length;
                _times[slot] = now;
                _counts[slot] = count;
                _size++;
            }

            TimeSpan elapsed = _time.GetElapsedTime(_times[_first], now);
            double minutes = Math.Max(elapsed.TotalMinutes, Math.Min(1, _window.TotalMinutes));
            return Math.Max(0, count - _counts[_first]) / minutes;
        }
    }
}
