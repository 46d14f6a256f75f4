namespace Tracking.Influx.LineProtocol;

/// <summary>
/// Thrown before anything is encoded when a value cannot be represented in line protocol so that
/// InfluxDB would store it intact (newline, control character, backslash in an identifier, NaN, ...).
/// The line being built is discarded; lines already completed in the buffer are untouched.
/// </summary>
public sealed class LineProtocolException : ArgumentException
{
    public LineProtocolException(LineElement element, string reason)
        : base($"Cannot encode {Describe(element)}: {reason}")
    {
        Element = element;
        Reason = reason;
    }

    public LineElement Element { get; }

    public string Reason { get; }

    private static string Describe(LineElement element) => element switch
    {
        LineElement.Measurement => "measurement",
        LineElement.TagKey => "tag key",
        LineElement.TagValue => "tag value",
        LineElement.FieldKey => "field key",
        LineElement.StringFieldValue => "string field value",
        LineElement.FloatFieldValue => "float field value",
        LineElement.Timestamp => "timestamp",
        _ => element.ToString(),
    };
}
