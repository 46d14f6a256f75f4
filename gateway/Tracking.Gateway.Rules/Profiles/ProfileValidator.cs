using System.Text.RegularExpressions;

namespace Tracking.Gateway.Rules.Profiles;

/// <summary>Checks a profile before it is stored or used; returns every reason it is refused (empty: valid).</summary>
public static partial class ProfileValidator
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(800);

    /// <summary>Per metric and kind, as the most generous commercial profiles (6 upper, 6 lower, 6 dual).</summary>
    public const int MaxBandsPerKind = 6;

    [GeneratedRegex("^[a-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static IReadOnlyList<string> Validate(Profile profile)
    {
        List<string> reasons = [];
        if (!IsValidName(profile.Name)) reasons.Add($"name '{profile.Name}' must match [a-z0-9_-]{{1,64}}");
        HashSet<string> names = new(StringComparer.Ordinal);
        for (int i = 0; i < profile.Bands.Count; i++)
        {
            Band band = profile.Bands[i];
            string at = $"bands[{i}]";
            if (band.Kind == BandKind.Dual)
            {
                if (!double.IsFinite(band.Low) || !double.IsFinite(band.High)) reasons.Add($"{at}: low and high must be finite");
                else if (!(band.Low < band.High)) reasons.Add($"{at}: low ({band.Low}) must be below high ({band.High})");
            }
            else if (!double.IsFinite(band.Limit))
            {
                reasons.Add($"{at}: limit must be finite");
            }
            if (band.Delay < TimeSpan.Zero || band.Delay > MaxDelay) reasons.Add($"{at}: delay must be between 0 s and 800 h");
            if (band.Cumulative is { } budget && (budget < TimeSpan.Zero || budget > MaxDelay))
            {
                reasons.Add($"{at}: cumulative must be between 0 s and 800 h");
            }
            if (!double.IsFinite(band.Hysteresis) || band.Hysteresis < 0) reasons.Add($"{at}: hysteresis must be finite and not negative");
            if (!Enum.IsDefined(band.Severity)) reasons.Add($"{at}: unknown severity");
            if (!Enum.IsDefined(band.Metric) || !Enum.IsDefined(band.Kind)) reasons.Add($"{at}: unknown metric or kind");
            else if (!names.Add(band.Name)) reasons.Add($"{at}: a second band {band.Name}");
        }
        foreach (var group in profile.Bands.GroupBy(b => (b.Metric, b.Kind)).Where(g => g.Count() > MaxBandsPerKind))
        {
            reasons.Add($"at most {MaxBandsPerKind} {group.Key.Kind.ToString().ToLowerInvariant()} bands per metric");
        }
        if (profile.ShockG is { } g && !(g is >= 0.5 and <= 27.72)) reasons.Add("shock_g must be between 0.5 and 27.72 g");
        if (profile.BatteryV is { } v && !(v is >= 0 and <= 5)) reasons.Add("battery threshold must be between 0 and 5 V");
        if (profile.Silence is { } silence && (silence <= TimeSpan.Zero || silence > MaxDelay)) reasons.Add("silence must be above 0 s and at most 800 h");
        if (profile.MktLimitC is { } mkt)
        {
            if (!double.IsFinite(mkt)) reasons.Add("mkt_limit_c must be finite");
            if (profile.MktWindow is null) reasons.Add("mkt_limit_c needs mkt_window");
        }
        if (profile.MktWindow is { } window && (window < TimeSpan.FromHours(1) || window > TimeSpan.FromDays(365)))
        {
            reasons.Add("mkt_window must be between 1 h and 365 days");
        }
        return reasons;
    }
}
