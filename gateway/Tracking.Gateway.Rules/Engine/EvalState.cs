using Tracking.Gateway.Rules.Mkt;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// The evaluation state of one stream after some reading: the previous reading (to tell consecutive readings from gaps),
/// every band's state, the MKT sums. Public fields so the snapshot serializes it as it is.
/// </summary>
internal sealed class EvalState
{
    public bool HasLast;
    public long LastMs;
    public uint LastBoot;
    public uint LastSeq;
    public double LastTemp = double.NaN;
    public long FirstMs;

    /// <summary>Time between readings that are not consecutive (a gap in the sequence, another boot): neither in nor out.</summary>
    public long UnknownMs;

    public BandState[] Bands = [];
    public MktSums Trip;
    public RollingMkt? Rolling;
    public bool MktHigh;
    public long MktSinceMs;

    /// <summary>
    /// The trip segment of the last reading (<see cref="TripTimeline"/>: a trip's id, 0 for the implicit trip, minus a trip's
    /// id after it ended). Cumulative budgets, <see cref="Trip"/> MKT and <see cref="UnknownMs"/> are this segment's.
    /// </summary>
    public long TripId;

    /// <summary>Where the segment began for its accounting: time before it (an interval straddling a trip start) is not its.</summary>
    public long TripFromMs;

    /// <summary>The segment's bounds as last looked up; not persisted (<see cref="SegmentKnown"/> false: look up at the next reading).</summary>
    public long SegmentStartMs;
    public long SegmentEndMs;
    public bool SegmentKnown;

    public EvalState Clone()
    {
        var copy = (EvalState)MemberwiseClone();
        copy.Bands = (BandState[])Bands.Clone();
        copy.Rolling = Rolling?.Clone();
        return copy;
    }
}
