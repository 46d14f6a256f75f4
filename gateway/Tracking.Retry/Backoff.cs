namespace Tracking.Retry;

/// <summary>
/// Capped exponential backoff with "equal jitter": the ceiling starts at <see cref="Initial"/>, doubles per failure up to
/// <see cref="Max"/>, and each delay is drawn from [ceiling/2, ceiling]. The fixed half keeps a failing dependency from
/// being hammered; the random half keeps a fleet of clients (or concurrent writes) from retrying in lockstep.
/// Thread-safe; pass a seeded <see cref="Random"/> for a repeatable sequence (tests).
/// </summary>
public sealed class Backoff
{
    private readonly Random _random;
    private readonly Lock _sync = new();

    public Backoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        if (initial < TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), $"need 0 <= initial ({initial}) <= max ({max})");
        }

        Initial = initial;
        Max = max;
        _random = random ?? Random.Shared;
    }

    public TimeSpan Initial { get; }

    public TimeSpan Max { get; }

    /// <summary>The upper bound of the delay after <paramref name="failures"/> failures in a row (1 or more).</summary>
    public TimeSpan Ceiling(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // Doubling past 2^62 overflows long ticks; the cap is reached long before.
        double ceiling = Initial.Ticks * Math.Pow(2, Math.Min(failures - 1, 62));
        return ceiling >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ceiling);
    }

    /// <summary>How long to wait after <paramref name="failures"/> failures in a row: in [ceiling/2, ceiling].</summary>
    public TimeSpan Delay(int failures)
    {
        long ceiling = Ceiling(failures).Ticks;
        double share;
        lock (_sync) share = _random.NextDouble(); // a seeded Random is not thread-safe; retries are rare, the lock is cheap
        long half = ceiling / 2;
        return TimeSpan.FromTicks(half + (long)(share * (ceiling - half)));
    }
}
