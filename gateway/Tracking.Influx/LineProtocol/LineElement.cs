namespace Tracking.Influx.LineProtocol;

/// <summary>The part of a line-protocol point a value was meant for.</summary>
public enum LineElement
{
    Measurement,
    TagKey,
    TagValue,
    FieldKey,
    StringFieldValue,
    FloatFieldValue,
    Timestamp,
}
