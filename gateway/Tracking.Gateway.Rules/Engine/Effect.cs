namespace Tracking.Gateway.Rules.Engine;

/// <summary>One finding of an evaluation pass; device times in Unix ms. A struct in a reused list: a pass allocates nothing.</summary>
internal struct Effect
{
    public EffectKind Kind;
    public int Band;
    public int Side;
    public long StartMs;

    /// <summary>The reading that completed the delay or budget, ended the excursion, or crossed the MKT limit.</summary>
    public long AtMs;

    public double Value;
    public double Limit;
    public double Peak;
    public long DurationMs;
    public long UnknownMs;

    /// <summary>The trip segment (<see cref="EvalState.TripId"/>) the finding belongs to.</summary>
    public long Trip;
}
