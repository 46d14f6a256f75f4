using System.Net;
using System.Net.Http.Headers;

namespace Tracking.Influx.Writing;

/// <summary>Which responses are retried and how long to wait before the next attempt.</summary>
internal sealed class RetryPolicy
{
    private readonly InfluxRetryOptions _options;
    private readonly Random _random;

    public RetryPolicy(InfluxRetryOptions options, Random? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared;
    }

    /// <summary>True while another attempt is allowed after <paramref name="attemptsMade"/> attempts.</summary>
    public bool CanRetry(int attemptsMade) => _options.MaxAttempts is not int max || attemptsMade < max;

    /// <summary>
    /// "Equal jitter" exponential backoff: the ceiling doubles per failure up to <see cref="InfluxRetryOptions.MaxDelay"/>
    /// and the delay is drawn from [ceiling/2, ceiling], so concurrent writers spread out but never hammer.
    /// </summary>
    public TimeSpan Backoff(int failures)
    {
        double initial = _options.InitialDelay.Ticks;
        double ceiling = Math.Min(_options.MaxDelay.Ticks, initial * Math.Pow(2, Math.Min(failures - 1, 62)));
        double half = ceiling / 2;
        return TimeSpan.FromTicks((long)(half + (_random.NextDouble() * half)));
    }

    /// <summary>
    /// The delay a server asked for with <c>Retry-After</c> (RFC 9110 §10.2.3: delay-seconds or HTTP-date),
    /// capped by <see cref="InfluxRetryOptions.MaxRetryAfter"/>; null when absent.
    /// </summary>
    public TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        TimeSpan? delay = header switch
        {
            { Delta: TimeSpan delta } => delta,
            { Date: DateTimeOffset date } => date - now,
            _ => null,
        };
        if (delay is not TimeSpan d)
        {
            return null;
        }

        return d < TimeSpan.Zero ? TimeSpan.Zero : d > _options.MaxRetryAfter ? _options.MaxRetryAfter : d;
    }

    /// <summary>400 (parse error, partial write, type conflict), 413 (too large) and 422 (unprocessable,
    /// e.g. outside retention in 2.x) concern the lines sent: split the batch to find the culprits.</summary>
    public static bool IsLineError(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity;
}
