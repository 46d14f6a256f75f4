using ContainerTag.Core.Protocol;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Alerts.Config;

/// <summary>
/// A profile as the tag's retained config (docs/protocol.md 4.4), so the tag's own urgent reporting (TagController's
/// temperature watch) fires where the gateway's rules do. The tag has one temperature band with one delay, a shock and a
/// battery threshold; the profile may have several bands. The mapping (gateway/Tracking.Gateway.Alerts/README.md):
/// <list type="bullet">
/// <item><c>t_hi</c>: the lowest upper limit of the temperature bands (upper limits, dual highs) of severity warning or
/// above (an info band is nothing urgent); <c>t_lo</c>: the highest lower limit. A side without a band is the sensor's
/// range end (the tag then never reports that side).</item>
/// <item>The rules' thresholds are inclusive (8.0 is outside 8.0), the tag compares its centi-degree readings strictly
/// (<c>temp &gt; t_hi</c>): the limits are moved one centi-degree inside (8.0 becomes 7.99, so 8.00 reports and 7.99
/// does not).</item>
/// <item><c>t_delay_s</c>: the shorter delay of the bands giving <c>t_hi</c> and <c>t_lo</c> (the tag reports no later
/// than the gateway's first alarm could fire), whole seconds, at most 86400 (a longer delay: the tag reports earlier).</item>
/// <item><c>shock_g</c>, <c>bat_lo</c>: the profile's, else <see cref="AlertsOptions.ConfigShockG"/> and
/// <see cref="AlertsOptions.ConfigBatteryV"/>; clamped to the tag's ranges. <c>sample_s</c>, <c>report_s</c>: options.</item>
/// </list>
/// Ranges and the final check are ContainerTag.Core's (<see cref="Limits"/>, <see cref="TagConfig.Validate"/>), the code
/// the tag itself parses with: the gateway never publishes a config the tag would refuse.
/// </summary>
public static class TagConfigMapper
{
    /// <summary>The config of a profile, or null with the tag's reason when the profile cannot be expressed (its bands cross).</summary>
    public static TagConfig? Map(Profile profile, AlertsOptions options, out string? error)
    {
        TagConfig config = Defaults(options);
        int hiCenti = Limits.TempMaxCenti, loCenti = Limits.TempMinCenti;
        double hiDelay = double.MaxValue, loDelay = double.MaxValue;
        bool hasHi = false, hasLo = false;
        foreach (Band band in profile.Bands)
        {
            if (band.Metric != Metric.TemperatureC || band.Severity == Severity.Info) continue;
            double delay = band.Delay.TotalSeconds;
            if (band.Kind is BandKind.Upper or BandKind.Dual)
            {
                // Inclusive "at or above limit" as a strict "above t_hi" on the centi-degree grid.
                int centi = CeilCenti(band.Kind == BandKind.Dual ? band.High : band.Limit) - 1;
                if (!hasHi || centi < hiCenti || (centi == hiCenti && delay < hiDelay)) (hiCenti, hiDelay, hasHi) = (centi, delay, true);
            }
            if (band.Kind is BandKind.Lower or BandKind.Dual)
            {
                int centi = FloorCenti(band.Kind == BandKind.Dual ? band.Low : band.Limit) + 1;
                if (!hasLo || centi > loCenti || (centi == loCenti && delay < loDelay)) (loCenti, loDelay, hasLo) = (centi, delay, true);
            }
        }
        config.TempHighC = Math.Clamp(hiCenti, Limits.TempMinCenti, Limits.TempMaxCenti) / 100.0;
        config.TempLowC = Math.Clamp(loCenti, Limits.TempMinCenti, Limits.TempMaxCenti) / 100.0;
        double delayS = Math.Min(hasHi ? hiDelay : double.MaxValue, hasLo ? loDelay : double.MaxValue);
        config.TempDelayS = hasHi || hasLo ? (int)Math.Clamp(Math.Floor(delayS), 0, Limits.DelayMaxS) : config.TempDelayS;
        if (profile.ShockG is { } shock) config.ShockG = Math.Clamp(shock, Limits.ShockMinG, Limits.ShockMaxG);
        if (profile.BatteryV is { } battery) config.BatteryLowV = Math.Clamp(battery, Limits.BatteryMinVolts, Limits.BatteryMaxVolts);
        error = config.Validate();
        return error is null ? config : null;
    }

    /// <summary>The options' part of every config; the temperature band is the tag's default until a profile sets it.</summary>
    public static TagConfig Defaults(AlertsOptions options) => new()
    {
        SampleS = options.ConfigSampleS,
        ReportS = options.ConfigReportS,
        ShockG = options.ConfigShockG,
        BatteryLowV = options.ConfigBatteryV,
    };

    // Rounded to 1e-6 first: 1.1 * 100 is 110.00000000000001, which must stay 110.
    private static int CeilCenti(double c) => (int)Math.Clamp(Math.Ceiling(Math.Round(c * 100, 6)), int.MinValue / 2, int.MaxValue / 2);

    private static int FloorCenti(double c) => (int)Math.Clamp(Math.Floor(Math.Round(c * 100, 6)), int.MinValue / 2, int.MaxValue / 2);
}
