namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A battery value that decides (at or below the limit: low; at or above limit + hysteresis: not low), by device time.
/// Values inside the hysteresis band decide nothing and are not kept.
/// </summary>
internal sealed class BatteryPoint
{
    public long TimeMs;
    public bool Low;
}
