using System.Net;
using System.Net.Http.Headers;
using Tracking.Retry;

namespace Tracking.Influx.Writing;

/// <summary>Which responses are retried and how long to wait before the next attempt.</summary>
internal sealed class RetryPolicy
{
    private readonly InfluxRetryOptions _options;
    private readonly Backoff _backoff;

    public RetryPolicy(InfluxRetryOptions options, Random? random = null)
    {
        _options = options;
        _backoff = new Backoff(options.InitialDelay, options.MaxDelay, random);
    }

    /// <summary>True while another attempt is allowed after <paramref name="attemptsMade"/> attempts.</summary>
    public bool CanRetry(int attemptsMade) => _options.MaxAttempts is not int max || attemptsMade < max;

    /// <summary>
    /// The gateway's shared backoff (<see cref="Retry.Backoff"/>): the ceiling doubles per failure from
    /// <see cref="InfluxRetryOptions.InitialDelay"/> up to <see cref="InfluxRetryOptions.MaxDelay"/> and the delay is
    /// drawn from [ceiling/2, ceiling], so concurrent writers spread out but never hammer.
    /// </summary>
    public TimeSpan Backoff(int failures) => _backoff.Delay(failures);

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
