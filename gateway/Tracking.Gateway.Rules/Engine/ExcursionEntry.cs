namespace Tracking.Gateway.Rules.Engine;

/// <summary>An excursion as the engine last wrote it to the store (to write only what changed).</summary>
internal sealed class ExcursionEntry
{
    public string Band = "";
    public long StartMs;
    public long? EndMs;
    public double Peak;
    public long DurationMs;
    public long UnknownMs;

    /// <summary>The trip segment it was measured in (<see cref="EvalState.TripId"/>).</summary>
    public long Trip;

    public bool SameAs(ExcursionEntry other) =>
        Band == other.Band && StartMs == other.StartMs && EndMs == other.EndMs && Peak.Equals(other.Peak)
        && DurationMs == other.DurationMs && UnknownMs == other.UnknownMs && Trip == other.Trip;
}
