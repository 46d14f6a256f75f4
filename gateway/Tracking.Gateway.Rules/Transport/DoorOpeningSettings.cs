namespace Tracking.Gateway.Rules.Transport;

/// <summary>What <see cref="DoorOpeningDetector"/> takes for a door opening; the defaults are the report's (Reports section).</summary>
public sealed class DoorOpeningSettings
{
    /// <summary>Temperature departure (either way) from the level before, degC.</summary>
    public double TempJumpC { get; set; } = 1.5;

    /// <summary>Humidity departure (either way) in the same reading, %RH.</summary>
    public double RhJumpPct { get; set; } = 5;

    /// <summary>Readings further apart are not compared (a gap is not a jump).</summary>
    public TimeSpan MaxStep { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>An opening not back within half its jump after this is closed as not seen ending.</summary>
    public TimeSpan MaxOpen { get; set; } = TimeSpan.FromHours(2);
}
