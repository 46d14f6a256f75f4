namespace Tracking.Influx.Writing;

public enum LineWriteStatus
{
    /// <summary>InfluxDB acknowledged the line (HTTP 2xx for a request containing it).</summary>
    Written,

    /// <summary>InfluxDB refused this very line (HTTP 400/413/422 for it alone); it went to the dead-letter sink.
    /// Sending it again would fail the same way.</summary>
    Rejected,

    /// <summary>Not written because retries ran out (<see cref="InfluxRetryOptions.MaxAttempts"/>); keep it and
    /// try again later.</summary>
    Failed,
}
