namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>One telemetry reading; a NaN sensor value means that sensor failed (null on the wire).</summary>
public struct Reading
{
    public long OffsetMs;
    public double TemperatureC;
    public double HumidityPct;
    public double PressureHpa;
    public double PeakG;
}
