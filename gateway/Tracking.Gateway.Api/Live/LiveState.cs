namespace Tracking.Gateway.Api.Live;

/// <summary>A container's state in the fleet list, ordered by urgency (a higher value wins: <see cref="LiveStates"/>).</summary>
public enum LiveState
{
    Unknown,
    Ok,
    Warning,
    LowBattery,
    Silent,
    Excursion,
}
