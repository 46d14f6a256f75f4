namespace Tracking.Chaos.Tests;

/// <summary>
/// How long after a fault ended the system had caught up: InfluxDB held as many of the fleet's readings as the tags had
/// had acknowledged when the fault ended (null: not within the rig's limit).
/// </summary>
public sealed record RecoveryTime(string Fault, TimeSpan? Elapsed)
{
    public override string ToString() => $"{Fault} {(Elapsed is { } e ? $"{e.TotalSeconds:0.0} s" : "not recovered")}";
}
