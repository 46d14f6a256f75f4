using ContainerTag.Core.Protocol;

namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// The ranges of docs/protocol.md section 5 (and the sizes of sections 1 and 4), in the units the decoder reads. Every
/// number is ContainerTag.Core's <see cref="Limits"/>, the code the tag encodes with, so tag and gateway cannot drift
/// apart; this class only names them for the decoder.
/// </summary>
public static class SensorLimits
{
    public const double MinTemperatureC = Limits.TempMinC, MaxTemperatureC = Limits.TempMaxC;
    public const double MinHumidityPct = Limits.HumidityMinPct, MaxHumidityPct = Limits.HumidityMaxPct;
    public const double MinPressureHpa = Limits.PressureMinHpa, MaxPressureHpa = Limits.PressureMaxHpa;
    public const double MinPeakG = Limits.PeakMinG, MaxPeakG = Limits.PeakMaxG;
    public const double MinBatteryV = Limits.BatteryMinVolts, MaxBatteryV = Limits.BatteryMaxVolts;
    public const long MinRssi = Limits.RssiMin, MaxRssi = Limits.RssiMax;
    public const long MinLifeDays = Limits.MinLifeDays, MaxLifeDays = Limits.MaxLifeDays;
    public const long MinReportS = Limits.SampleMinS, MaxReportS = Limits.ReportMaxS;   // 4.4: sample_s (>= 10) .. 604800
    public const long MaxCounter = Limits.MaxUInt32;                                     // boot, seq, spool, thinned, wakes, ev_drop

    /// <summary>t0, ts (and radio_ms): Unix ms up to 9999-12-31T23:59:59.999Z.</summary>
    public const long MaxTimestampMs = Limits.MaxUnixMs;

    /// <summary>a0: ten years in ms.</summary>
    public const long MaxAgeMs = Limits.MaxAgeMs;

    /// <summary>A reading's offset: signed 32-bit ms, strictly increasing within a batch, 0 for the first.</summary>
    public const long MaxOffsetMs = Limits.MaxOffsetMs;

    public const int MaxReadingsPerBatch = Limits.MaxReadingsPerBatch;
    public const int MaxPayloadBytes = Limits.MaxPayloadBytes;
    public const int MaxFirmwareLength = Limits.MaxFirmwareLength;
    public const int MaxConfigErrorLength = Limits.MaxReasonLength;
}
