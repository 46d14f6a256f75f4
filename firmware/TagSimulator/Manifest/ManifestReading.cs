namespace TagSimulator.Manifest;

/// <summary>
/// One acknowledged reading as it went over the wire. Values are kept in the wire's fixed-point units
/// (0.01 degC, 0.1 %RH, 0.1 hPa, 0.01 g) so a 30-day run of 1,000 tags stays small in memory;
/// <see cref="NoValue"/> marks a null. TimeMs is null for readings sent with an age (a0) instead of t0; Estimated is
/// the batch's t_est (docs/protocol.md 7.3).
/// </summary>
public readonly record struct ManifestReading(long Boot, long Seq, long? TimeMs, int TempCenti, int HumidityDeci, int PressureDeci, int PeakCenti,
    bool Estimated = false)
{
    public const int NoValue = int.MinValue;

    public double? TempC => TempCenti == NoValue ? null : TempCenti / 100.0;
    public double? HumidityPct => HumidityDeci == NoValue ? null : HumidityDeci / 10.0;
    public double? PressureHpa => PressureDeci == NoValue ? null : PressureDeci / 10.0;
    public double? PeakG => PeakCenti == NoValue ? null : PeakCenti / 100.0;

    /// <summary>The fixed-point integer of a wire decimal; dividing it back by 10^decimals gives the same double the text parses to.</summary>
    public static int Scale(double? value, int decimals) =>
        value is { } v ? (int)Math.Round(v * Math.Pow(10, decimals), MidpointRounding.AwayFromZero) : NoValue;

    /// <summary>
    /// True when <see cref="Scale"/> keeps the value: null, or a finite value whose fixed-point integer fits an int
    /// other than <see cref="NoValue"/> (a larger one would saturate and read back as another number or as null).
    /// </summary>
    public static bool Representable(double? value, int decimals) =>
        value is not { } v || (double.IsFinite(v) && Math.Abs(Math.Round(v * Math.Pow(10, decimals), MidpointRounding.AwayFromZero)) <= int.MaxValue);
}

/// <summary>One acknowledged event.</summary>
public readonly record struct ManifestEvent(long Boot, long Seq, long? TimeMs, string Kind, double Value);
