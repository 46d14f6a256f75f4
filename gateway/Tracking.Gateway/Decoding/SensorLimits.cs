namespace Tracking.Gateway.Decoding;

/// <summary>Physical ranges of the tag's sensors and plausibility bounds of the protocol's numbers.</summary>
public static class SensorLimits
{
    public const double MinTemperatureC = -40, MaxTemperatureC = 85;   // BME280 operating range
    public const double MinHumidityPct = 0, MaxHumidityPct = 100;
    public const double MinPressureHpa = 300, MaxPressureHpa = 1100;
    public const double MinPeakG = 0, MaxPeakG = 32;                     // ADXL343 ±16 g, with headroom for peaks
    public const double MinBatteryV = 0, MaxBatteryV = 5;
    public const long MinRssi = -150, MaxRssi = 0;
    public const long MaxCounter = uint.MaxValue;                       // boot, seq: 32-bit counters on the tag

    /// <summary>2020-01-01: anything earlier is a tag clock that was never set.</summary>
    public const long MinTimestampMs = 1_577_836_800_000;

    /// <summary>How far ahead of the gateway's clock a tag's time may be.</summary>
    public const long MaxClockAheadMs = 24L * 3600 * 1000;

    /// <summary>Longest age (a0) or batch span (reading offset) accepted: a year offline in flash.</summary>
    public const long MaxAgeMs = 366L * 24 * 3600 * 1000;
}
