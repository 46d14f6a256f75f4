namespace Tracking.Gateway.Rules.Profiles;

/// <summary>
/// Ready-made profiles for common cargo. Thresholds are inclusive (a reading at the limit is outside), so "2-8 C" alarms
/// at 8.0 and at 2.0 once the delay has passed, the delay absorbing door openings and defrost cycles.
/// </summary>
public static class ProfilePresets
{
    private static readonly TimeSpan DefaultSilence = TimeSpan.FromMinutes(130); // 2 x report_s (1 h) + 10 min, protocol.md 4.3

    /// <summary>Pharmaceuticals 2-8 C; MKT limit 8 C over 24 h (USP &lt;1079.2&gt; controlled cold temperature).</summary>
    public static Profile Pharma2To8 { get; } = new()
    {
        Name = "pharma_2_8",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Delay = TimeSpan.FromMinutes(30), Hysteresis = 0.2 },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 2, Delay = TimeSpan.FromMinutes(30), Hysteresis = 0.2 },
            // Freezing destroys vaccines and biologics whatever the duration.
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 0, Severity = Severity.Critical, Hysteresis = 0.2 },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 15, Severity = Severity.Critical, Hysteresis = 0.5 },
        ],
        ShockG = 4, BatteryV = 3.4, Silence = DefaultSilence, MktLimitC = 8, MktWindow = TimeSpan.FromHours(24),
    };

    /// <summary>Controlled room temperature 15-25 C (USP &lt;659&gt;): excursions to 30 C tolerated, MKT &lt;= 25 C over 30 days.</summary>
    public static Profile Crt15To25 { get; } = Crt("crt_15_25", 15);

    /// <summary>Controlled room temperature 20-25 C, excursions 15-30 C tolerated; MKT &lt;= 25 C over 30 days.</summary>
    public static Profile Crt20To25 { get; } = Crt("crt_20_25", 20);

    /// <summary>Frozen goods at or below -18 C.</summary>
    public static Profile Frozen { get; } = new()
    {
        Name = "frozen",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = -18, Delay = TimeSpan.FromMinutes(30), Hysteresis = 1 },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = -12, Delay = TimeSpan.FromMinutes(15), Severity = Severity.Critical, Hysteresis = 1 },
        ],
        ShockG = 6, BatteryV = 3.4, Silence = DefaultSilence,
    };

    /// <summary>Chilled produce 0-4 C at 85-95 % relative humidity.</summary>
    public static Profile ChilledProduce { get; } = new()
    {
        Name = "chilled_produce",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Dual, Low = 0, High = 4, Delay = TimeSpan.FromMinutes(30), Hysteresis = 0.3 },
            new Band { Metric = Metric.HumidityPct, Kind = BandKind.Dual, Low = 85, High = 95, Delay = TimeSpan.FromHours(2), Severity = Severity.Warning, Hysteresis = 2 },
        ],
        ShockG = 4, BatteryV = 3.4, Silence = DefaultSilence,
    };

    /// <summary>Dry goods: only heat, damp and rough handling matter.</summary>
    public static Profile DryGoods { get; } = new()
    {
        Name = "dry_goods",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 45, Delay = TimeSpan.FromHours(1), Severity = Severity.Warning, Hysteresis = 1 },
            new Band { Metric = Metric.HumidityPct, Kind = BandKind.Upper, Limit = 80, Delay = TimeSpan.FromHours(12), Severity = Severity.Warning, Hysteresis = 5 },
        ],
        ShockG = 8, BatteryV = 3.4, Silence = TimeSpan.FromHours(6),
    };

    public static IReadOnlyList<Profile> All { get; } = [Pharma2To8, Crt15To25, Crt20To25, Frozen, ChilledProduce, DryGoods];

    public static Profile? Find(string? name) => All.FirstOrDefault(p => p.Name == name);

    private static Profile Crt(string name, double low) => new()
    {
        Name = name,
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Dual, Low = low, High = 25, Delay = TimeSpan.FromHours(24), Severity = Severity.Warning, Hysteresis = 0.5 },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 30, Delay = TimeSpan.FromMinutes(30), Hysteresis = 0.5 },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 15, Delay = TimeSpan.FromMinutes(30), Hysteresis = 0.5 },
        ],
        ShockG = 6, BatteryV = 3.4, Silence = DefaultSilence, MktLimitC = 25, MktWindow = TimeSpan.FromDays(30),
    };
}
