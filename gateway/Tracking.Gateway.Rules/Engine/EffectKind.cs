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

    /// <summary>The readings entered another trip segment (<see cref="Effect.Trip"/>) at <see cref="Effect.AtMs"/>: its accounting starts afresh.</summary>
    TripEntered,
}
