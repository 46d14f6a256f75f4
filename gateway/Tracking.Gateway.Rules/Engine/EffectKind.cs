namespace Tracking.Gateway.Rules.Engine;

/// <summary>What an evaluation pass found; the engine turns these into alerts and excursions after the pass.</summary>
internal enum EffectKind
{
    /// <summary>A band's single-excursion delay was reached.</summary>
    Alarm,

    /// <summary>A band's cumulative budget over the trip was reached.</summary>
    CumulativeAlarm,

    /// <summary>A reading back inside (by the hysteresis) ended an excursion.</summary>
    ExcursionEnded,

    MktHigh,
    MktClear,
}
