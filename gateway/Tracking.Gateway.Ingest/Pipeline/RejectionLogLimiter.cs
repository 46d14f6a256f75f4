using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>
/// At most <see cref="DeadLetterOptions.LogLines"/> rejection log lines per reason per <see cref="DeadLetterOptions.LogInterval"/>; the rest are only counted, and the count is
/// reported once when the interval is over (<see cref="TakeEnded"/>, or before the next line of that reason). A flood of
/// junk then costs a few lines a minute, and a suppressed rejection costs two array updates, no allocation.
/// Not thread-safe (the ingest stage is one loop).
/// </summary>
internal sealed class RejectionLogLimiter(DeadLetterOptions settings, TimeProvider time)
{
    private readonly int _lines = settings.LogLines;
    private readonly TimeSpan _interval = settings.LogInterval;
    private readonly long[] _windowStart = new long[RejectReasons.All.Length];
    private readonly int[] _logged = new int[RejectReasons.All.Length];
    private readonly long[] _suppressed = new long[RejectReasons.All.Length];

    public TimeSpan Interval => _interval;

    public int Lines => _lines;

    /// <summary>
    /// True when this rejection gets its line. <paramref name="suppressed"/>: rejections of this reason that got none in
    /// the interval that just ended, to be reported first (0 when there is nothing to report).
    /// </summary>
    public bool ShouldLog(RejectReason reason, out long suppressed)
    {
        int i = (int)reason;
        long now = time.GetTimestamp();
        suppressed = 0;
        if ((_logged[i] == 0 && _suppressed[i] == 0) || time.GetElapsedTime(_windowStart[i], now) >= _interval)
        {
            suppressed = _suppressed[i];
            _suppressed[i] = 0;
            _logged[i] = 0;
            _windowStart[i] = now;
        }

        if (_logged[i] < _lines)
        {
            _logged[i]++;
            return true;
        }

        _suppressed[i]++;
        return false;
    }

    /// <summary>
    /// The next reason whose interval is over (or any, when <paramref name="all"/>) with rejections not logged; forgets
    /// them. Call until false.
    /// </summary>
    public bool TakeEnded(bool all, out RejectReason reason, out long suppressed)
    {
        long now = time.GetTimestamp();
        for (int i = 0; i < _suppressed.Length; i++)
        {
            if (_suppressed[i] > 0 && (all || time.GetElapsedTime(_windowStart[i], now) >= _interval))
            {
                reason = (RejectReason)i;
                suppressed = _suppressed[i];
                _suppressed[i] = 0;
                _logged[i] = 0; // the next rejection opens a new interval
                return true;
            }
        }

        reason = default;
        suppressed = 0;
        return false;
    }
}
