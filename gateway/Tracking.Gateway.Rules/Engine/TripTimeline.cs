using System.Globalization;
using System.Text;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A container's trips as the evaluator needs them: device time cut into segments, each with its own cumulative budgets,
/// trip MKT and unknown time (README.md "Trips"). A trip is a segment [start, end); the time before the first trip is the
/// implicit trip (id 0, as before trips existed, so nothing changes for a container that never has one); the time after
/// a trip ended and before the next begins is that trip's "after" segment (id minus the trip's). Immutable; built from
/// the store's list each time the engine reads the container's trips.
/// </summary>
internal sealed class TripTimeline
{
    public static readonly TripTimeline None = new([]);

    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long[] _ids;

    private TripTimeline(IReadOnlyList<Trip> oldestFirst)
    {
        int n = oldestFirst.Count;
        _starts = new long[n];
        _ends = new long[n];
        _ids = new long[n];
        for (int i = 0; i < n; i++)
        {
            Trip trip = oldestFirst[i];
            _starts[i] = trip.Start.ToUnixTimeMilliseconds();
            _ends[i] = trip.End?.ToUnixTimeMilliseconds() ?? long.MaxValue;
            _ids[i] = trip.Id;
        }
        var key = new StringBuilder();
        for (int i = 0; i < n; i++) key.Append(CultureInfo.InvariantCulture, $"{_ids[i]}:{_starts[i]}:{_ends[i]};");
        Key = key.ToString();
    }

    /// <summary>From the store's list (newest first, as <see cref="Store.IRuleStore.ListTripsAsync"/> returns it).</summary>
    public static TripTimeline From(IReadOnlyList<Trip> newestFirst) =>
        newestFirst.Count == 0 ? None : new TripTimeline([.. newestFirst.OrderBy(t => t.Start)]);

    /// <summary>Names the timeline: equal keys, equal segments (saved with the state, to notice trips changed while away).</summary>
    public string Key { get; }

    public int Count => _ids.Length;

    /// <summary>The segment a reading at <paramref name="t"/> (Unix ms) belongs to: its id and bounds [start, end).</summary>
    public void Find(long t, out long id, out long startMs, out long endMs)
    {
        // The last trip starting at or before t.
        int lo = 0, hi = _starts.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_starts[mid] <= t) lo = mid + 1;
            else hi = mid;
        }
        int i = lo - 1;
        long next = lo < _starts.Length ? _starts[lo] : long.MaxValue;
        if (i < 0)
        {
            (id, startMs, endMs) = (0, long.MinValue, next);
        }
        else if (t < _ends[i])
        {
            (id, startMs, endMs) = (_ids[i], _starts[i], _ends[i]);
        }
        else
        {
            (id, startMs, endMs) = (-_ids[i], _ends[i], next);
        }
    }
}
