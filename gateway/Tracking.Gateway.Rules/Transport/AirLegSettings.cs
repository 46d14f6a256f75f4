namespace Tracking.Gateway.Rules.Transport;

/// <summary>What <see cref="AirLegDetector"/> takes for an air leg; the defaults are the report's (Reports section).</summary>
public sealed class AirLegSettings
{
    /// <summary>Cabin pressure band, inclusive: pressurised cabins hold about 750-850 hPa at cruise.</summary>
    public double LowHpa { get; set; } = 750;

    public double HighHpa { get; set; } = 850;

    /// <summary>Shorter stays in the band are not a flight (a lift, a mountain pass, a sensor fault).</summary>
    public TimeSpan MinDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Readings outside the band for at most this long do not end a leg (turbulence, noise, a climb).</summary>
    public TimeSpan MaxDip { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>No pressure for longer than this ends a leg: what happened in between is unknown.</summary>
    public TimeSpan MaxGap { get; set; } = TimeSpan.FromMinutes(30);
}
