using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// A band whose alarm the recent trend says will fire within the horizon (<c>Rules:PredictionHorizon</c>). Times are
/// device times. It ends when the trend no longer predicts the alarm within the horizon or when the alarm fires.
/// </summary>
public sealed record PredictiveWarning
{
    public required ContainerKey Container { get; init; }
    public required string Tag { get; init; }

    /// <summary>The band's name (<see cref="Band.Name"/>), as in its alerts.</summary>
    public required string Band { get; init; }

    /// <summary>The alert kind the alarm would raise: <c>temp_high</c>, <c>temp_low</c>, <c>rh_high</c>, <c>rh_low</c>.</summary>
    public required string Kind { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>The limit the trend is heading for.</summary>
    public double Limit { get; init; }

    /// <summary>When the trend line reaches the limit (inclusive); the excursion's start when it has begun already.</summary>
    public DateTimeOffset PredictedBreach { get; init; }

    /// <summary>The first reading at which the band's delay would be complete: when the alarm would fire.</summary>
    public DateTimeOffset PredictedAlarm { get; init; }

    /// <summary>Theil-Sen slope of the band's metric, per hour (degC/h or %RH/h).</summary>
    public double SlopePerHour { get; init; }

    /// <summary>The trend line's value at the newest reading.</summary>
    public double Level { get; init; }

    /// <summary>Readings the trend was fitted on.</summary>
    public int Points { get; init; }

    /// <summary>Share of the pairwise slopes that agree with the trend's direction (0.5: none, 1: all).</summary>
    public double Confidence { get; init; }

    /// <summary>The reading at which the warning came into force (it keeps this time while the prediction is updated).</summary>
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>The reading of the latest prediction.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
