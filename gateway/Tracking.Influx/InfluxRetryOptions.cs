namespace Tracking.Influx;

/// <summary>Retries of network errors, timeouts, 429, 5xx and other non-line errors.</summary>
public sealed class InfluxRetryOptions
{
    /// <summary>Backoff ceiling after the first failure; doubles per further failure.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per request including the first; null retries until the caller cancels, which suits a
    /// spooling gateway: lines are never given up, back-pressure builds instead.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// While a wait after an unreachable server (connection refused or reset, no HTTP answer) is longer than this, the
    /// server's <c>/ping</c> is asked this often, and the write goes again as soon as anything answers. Without it a
    /// server back after a long outage waited for up to <see cref="MaxDelay"/> (chaos influxd-down: 26 s after a
    /// 60 s outage). Zero switches probing off. A server that answers (5xx, 429) is never probed: its own pace rules.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound on a server's <c>Retry-After</c>, so a bogus header cannot stall writes for days.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (InitialDelay < TimeSpan.Zero || MaxDelay < InitialDelay)
        {
            throw new ArgumentException($"Retry delays must satisfy 0 <= {nameof(InitialDelay)} <= {nameof(MaxDelay)}.");
        }

        if (MaxAttempts is < 1)
        {
            throw new ArgumentException($"{nameof(MaxAttempts)} must be at least 1 (or empty for no limit).");
        }

        if (ProbeInterval < TimeSpan.Zero || ProbeInterval > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"{nameof(ProbeInterval)} must be between 0 (off) and 5 minutes, not {ProbeInterval}.");
        }

        if (MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MaxRetryAfter)} must not be negative.");
        }
    }
}
