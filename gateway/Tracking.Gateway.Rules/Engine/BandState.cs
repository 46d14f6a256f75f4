namespace Tracking.Gateway.Rules.Engine;

/// <summary>Where one band stands after a reading: the excursion in progress (if any) and the trip's cumulative time outside.</summary>
internal struct BandState
{
    public bool Outside;

    /// <summary>+1 above the (upper) limit, -1 below the (lower) limit: the side the excursion began on.</summary>
    public int Side;

    public long StartMs;
    public bool HasLast;

    /// <summary>The time of the band's last reading with a value (a null value is a gap for this band).</summary>
    public long LastMs;

    public double Peak;

    /// <summary>Time inside the current excursion not covered by consecutive readings (gaps).</summary>
    public long UnknownMs;

    /// <summary>A reading without a value came since <see cref="LastMs"/>: the interval up to the next value is unknown.</summary>
    public bool Gap;

    public bool Alarmed;

    /// <summary>Time outside of the trip's finished excursions.</summary>
    public long CumulativeMs;

    public bool CumulativeAlarmed;
}
