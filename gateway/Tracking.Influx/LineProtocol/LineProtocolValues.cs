namespace Tracking.Influx.LineProtocol;

/// <summary>
/// Whether a value can be written by <see cref="LineProtocolBuffer"/>, without building a line or throwing: the same
/// checks the buffer applies (<see cref="EscapeRules"/>, <see cref="WritePrecisionExtensions.IsInRange"/>), for callers
/// that must refuse unstorable input before acknowledging it.
/// </summary>
public static class LineProtocolValues
{
    /// <summary>Null when <paramref name="value"/> can be a string field value, else why not.</summary>
    public static string? StringFieldProblem(ReadOnlySpan<char> value) => EscapeRules.StringFieldValue.FindProblem(value);

    /// <summary>Null when <paramref name="value"/> can be a tag value, else why not.</summary>
    public static string? TagValueProblem(ReadOnlySpan<char> value) => EscapeRules.TagValue.FindProblem(value);

    /// <summary>True when <paramref name="timestamp"/> in <paramref name="precision"/> is inside InfluxDB's time range.</summary>
    public static bool IsTimestampInRange(long timestamp, WritePrecision precision) => precision.IsInRange(timestamp);

    /// <summary>The first storable time in this unit (1677-09-21T00:12:43.145224194Z in ns).</summary>
    public static long MinTimestamp(WritePrecision precision) => WritePrecisionExtensions.MinTimestamp(precision);

    /// <summary>The last storable time in this unit (2262-04-11T23:47:16.854775806Z in ns).</summary>
    public static long MaxTimestamp(WritePrecision precision) => WritePrecisionExtensions.MaxTimestamp(precision);
}
