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

    public EvalState Clone()
    {
        var copy = (EvalState)MemberwiseClone();
        copy.Bands = (BandState[])Bands.Clone();
        copy.Rolling = Rolling?.Clone();
        return copy;
    }
}
