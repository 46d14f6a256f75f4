namespace Tracking.Influx.LineProtocol;

/// <summary>Unit of the integer timestamps in a batch; sent as the <c>precision</c> query parameter.</summary>
public enum WritePrecision
{
    Nanoseconds,
    Microseconds,
    Milliseconds,
    Seconds,
}
