namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// A Theil-Sen line through recent readings: <see cref="Level"/> is the fitted value at the newest reading and
/// <see cref="SlopePerHour"/> the median of the pairwise slopes. <see cref="Agreement"/> is the share of pairwise
/// slopes with the median's sign (0.5: no trend to speak of, 1: every pair agrees).
/// </summary>
internal readonly record struct TrendFit(double SlopePerHour, double Level, double Agreement, int Points)
{
    public static TrendFit None => new(double.NaN, double.NaN, 0, 0);

    public bool IsValid => Points >= 2 && double.IsFinite(SlopePerHour) && double.IsFinite(Level);

    /// <summary>The fitted value <paramref name="hours"/> after the newest reading.</summary>
    public double At(double hours) => Level + (SlopePerHour * hours);
}
