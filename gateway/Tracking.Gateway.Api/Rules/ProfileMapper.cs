using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Rules;

/// <summary>Between the API's profile shape (<see cref="ProfileDto"/>) and the rules' <see cref="Profile"/>.</summary>
internal static class ProfileMapper
{
    /// <summary>Seconds beyond this (about 31 years) map to a span the validator refuses, instead of overflowing TimeSpan.</summary>
    private const double MaxSeconds = 1e9;

    /// <summary>The profile, or every reason the body cannot be one (unknown words, missing limits, then the validator's).</summary>
    public static (Profile? Profile, IReadOnlyList<string> Reasons) ToProfile(string name, ProfileDto dto)
    {
        List<string> reasons = [];
        if (dto.Name is not null && dto.Name != name) reasons.Add($"name '{dto.Name}' differs from the name in the path '{name}'");
        List<Band> bands = [];
        for (int i = 0; i < dto.Bands.Count; i++)
        {
            if (ToBand(dto.Bands[i], $"bands[{i}]", reasons) is { } band) bands.Add(band);
        }
        if (reasons.Count > 0) return (null, reasons);
        var profile = new Profile
        {
            Name = name,
            Bands = bands,
            ShockG = dto.ShockG,
            BatteryV = dto.BatteryV,
            Silence = Span(dto.SilenceS),
            MktLimitC = dto.MktLimitC,
            MktWindow = Span(dto.MktWindowS),
        };
        IReadOnlyList<string> invalid = ProfileValidator.Validate(profile);
        return invalid.Count > 0 ? (null, invalid) : (profile, []);
    }

    public static ProfileDto ToDto(Profile profile, string source) => new()
    {
        Name = profile.Name,
        Source = source,
        Bands = [.. profile.Bands.Select(b => new BandDto
        {
            Metric = Band.MetricName(b.Metric),
            Kind = b.Kind.ToString().ToLowerInvariant(),
            Limit = b.Kind == BandKind.Dual ? null : b.Limit,
            Low = b.Kind == BandKind.Dual ? b.Low : null,
            High = b.Kind == BandKind.Dual ? b.High : null,
            DelayS = b.Delay.TotalSeconds,
            CumulativeS = b.Cumulative?.TotalSeconds,
            Severity = b.Severity.ToString().ToLowerInvariant(),
            Hysteresis = b.Hysteresis,
            Name = b.Name,
        })],
        ShockG = profile.ShockG,
        BatteryV = profile.BatteryV,
        SilenceS = profile.Silence?.TotalSeconds,
        MktLimitC = profile.MktLimitC,
        MktWindowS = profile.MktWindow?.TotalSeconds,
    };

    private static Band? ToBand(BandDto dto, string at, List<string> reasons)
    {
        int before = reasons.Count;
        Metric? metric = dto.Metric switch { "temp_c" => Metric.TemperatureC, "rh" => Metric.HumidityPct, _ => null };
        if (metric is null) reasons.Add($"{at}.metric '{dto.Metric}' must be temp_c or rh");
        BandKind? kind = dto.Kind switch { "upper" => BandKind.Upper, "lower" => BandKind.Lower, "dual" => BandKind.Dual, _ => null };
        if (kind is null) reasons.Add($"{at}.kind '{dto.Kind}' must be upper, lower or dual");
        Severity? severity = dto.Severity switch
        {
            null or "alarm" => Severity.Alarm,
            "info" => Severity.Info,
            "warning" => Severity.Warning,
            "critical" => Severity.Critical,
            _ => null,
        };
        if (severity is null) reasons.Add($"{at}.severity '{dto.Severity}' must be info, warning, alarm or critical");
        if (kind == BandKind.Dual && (dto.Low is null || dto.High is null)) reasons.Add($"{at}: a dual band needs low and high");
        if (kind is BandKind.Upper or BandKind.Lower && dto.Limit is null) reasons.Add($"{at}: an {dto.Kind} band needs limit");
        if (reasons.Count > before) return null;
        return new Band
        {
            Metric = metric!.Value,
            Kind = kind!.Value,
            Limit = dto.Limit ?? 0,
            Low = dto.Low ?? 0,
            High = dto.High ?? 0,
            Delay = Span(dto.DelayS) ?? TimeSpan.Zero,
            Cumulative = Span(dto.CumulativeS),
            Severity = severity!.Value,
            Hysteresis = dto.Hysteresis ?? 0,
        };
    }

    private static TimeSpan? Span(double? seconds) => seconds switch
    {
        null => null,
        > MaxSeconds => TimeSpan.MaxValue,
        < -MaxSeconds => TimeSpan.MinValue,
        { } s => TimeSpan.FromSeconds(s),
    };
}
