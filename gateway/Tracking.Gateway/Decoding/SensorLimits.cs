namespace Tracking.Gateway.Decoding;

/// <summary>The ranges of docs/protocol.md section 5 (and the sizes of sections 1 and 4.1), nothing looser or stricter.</summary>
public static class SensorLimits
{
    public const double MinTemperatureC = -40, MaxTemperatureC = 85;   // BME280 operating range
    public const double MinHumidityPct = 0, MaxHumidityPct = 100;
    public const double MinPressureHpa = 300, MaxPressureHpa = 1100;
    public const double MinPeakG = 0, MaxPeakG = 27.72;                  // ADXL343 ±16 g per axis: 16·√3 = 27.71
    public const double MinBatteryV = 0, MaxBatteryV = 5;
    public const long MinRssi = -127, MaxRssi = 0;
    public const long MinLifeDays = -1, MaxLifeDays = 36_500;            // -1 = unknown
    public const long MinReportS = 10, MaxReportS = 604_800;             // 4.4: sample_s (>= 10) .. 604800
    public const long MaxCounter = uint.MaxValue;                        // boot, seq, spool, thinned, wakes, ev_drop

    /// <summary>t0, ts (and radio_ms): Unix ms up to 9999-12-31T23:59:59.999Z.</summary>
    public const long MaxTimestampMs = 253_402_300_799_999;

    /// <summary>a0: ten years in ms.</summary>
    public const long MaxAgeMs = 315_360_000_000;

    /// <summary>A reading's offset: signed 32-bit ms, strictly increasing within a batch, 0 for the first.</summary>
    public const long MaxOffsetMs = int.MaxValue;

    public const int MaxReadingsPerBatch = 64;
    public const int MaxPayloadBytes = 4096;
    public const int MaxFirmwareLength = 32;
    public const int MaxConfigErrorLength = 120;
}
