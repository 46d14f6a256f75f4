namespace Tracking.Influx.LineProtocol;

public static class WritePrecisionExtensions
{
    // InfluxDB 1.x keeps time as int64 nanoseconds and reserves the two extreme values
    // ("time outside range -9223372036854775806 - 9223372036854775806", checked on influxd 1.6.7).
    private const long MinNanos = long.MinValue + 2;
    private const long MaxNanos = long.MaxValue - 1;

    public static long NanosecondsPerUnit(this WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => 1,
        WritePrecision.Microseconds => 1_000,
        WritePrecision.Milliseconds => 1_000_000,
        WritePrecision.Seconds => 1_000_000_000,
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    /// <summary>Unix time of <paramref name="time"/> in this unit, rounded towards negative infinity.</summary>
    public static long ToUnixTime(this WritePrecision precision, DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return precision switch
        {
            WritePrecision.Nanoseconds => ticks <= long.MaxValue / 100 && ticks >= long.MinValue / 100
                ? ticks * 100
                : throw new LineProtocolException(LineElement.Timestamp, $"{time:O} does not fit in int64 nanoseconds"),
            WritePrecision.Microseconds => FloorDiv(ticks, 10),
            WritePrecision.Milliseconds => FloorDiv(ticks, TimeSpan.TicksPerMillisecond),
            WritePrecision.Seconds => FloorDiv(ticks, TimeSpan.TicksPerSecond),
            _ => throw new ArgumentOutOfRangeException(nameof(precision)),
        };
    }

    /// <summary>True when <paramref name="timestamp"/> in this unit lies inside InfluxDB's time range.</summary>
    public static bool IsInRange(this WritePrecision precision, long timestamp) =>
        timestamp >= MinTimestamp(precision) && timestamp <= MaxTimestamp(precision);

    internal static long MinTimestamp(WritePrecision precision) => MinNanos / precision.NanosecondsPerUnit();

    internal static long MaxTimestamp(WritePrecision precision) => MaxNanos / precision.NanosecondsPerUnit();

    /// <summary>Value of the <c>precision</c> query parameter for the given write API.</summary>
    public static string ToQueryValue(this WritePrecision precision, InfluxApiVersion api) => (api, precision) switch
    {
        // 1.x /write: ns (or n), u, ms, s. "us" is silently read as nanoseconds by influxd 1.6.
        (InfluxApiVersion.V1, WritePrecision.Nanoseconds) => "ns",
        (InfluxApiVersion.V1, WritePrecision.Microseconds) => "u",
        // 2.x /api/v2/write: ns, us, ms, s.
        (InfluxApiVersion.V2, WritePrecision.Nanoseconds) => "ns",
        (InfluxApiVersion.V2, WritePrecision.Microseconds) => "us",
        (InfluxApiVersion.V1 or InfluxApiVersion.V2, WritePrecision.Milliseconds) => "ms",
        (InfluxApiVersion.V1 or InfluxApiVersion.V2, WritePrecision.Seconds) => "s",
        // 3.x /api/v3/write_lp documents the long names (auto is the default, which we never want).
        (InfluxApiVersion.V3, WritePrecision.Nanoseconds) => "nanosecond",
        (InfluxApiVersion.V3, WritePrecision.Microseconds) => "microsecond",
        (InfluxApiVersion.V3, WritePrecision.Milliseconds) => "millisecond",
        (InfluxApiVersion.V3, WritePrecision.Seconds) => "second",
        _ => throw new ArgumentOutOfRangeException(nameof(precision)),
    };

    private static long FloorDiv(long a, long b)
    {
        long q = Math.DivRem(a, b, out long r);
        return r < 0 ? q - 1 : q;
    }
}
