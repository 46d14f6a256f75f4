namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A band alert the engine raised, with the excursion it is about: re-evaluation after late data can move an
/// excursion's start earlier, and the alert must follow it instead of a second one being opened.
/// </summary>
internal sealed class AlertRef
{
    public long Id;
    public string Band = "";
    public long StartMs;
    public bool Cumulative;

    /// <summary>The trip segment whose budget a cumulative alert is about (<see cref="EvalState.TripId"/>).</summary>
    public long Trip;

    /// <summary>The end of its excursion once known; entries that ended before the window are dropped.</summary>
    public long? EndMs;
}
