namespace Tracking.Gateway.Rules.Profiles;

/// <summary>
/// One boundary of a profile. A reading is outside when it is at or beyond the limit (inclusive); the excursion ends
/// when a reading is back inside by at least <see cref="Hysteresis"/>. An alarm fires when the time outside is continuous
/// for <see cref="Delay"/> (0 s to 800 h), or, with <see cref="Cumulative"/>, when the total time outside over the trip
/// reaches it. Times are the readings' own (device time), never arrival times.
/// </summary>
public sealed record Band
{
    public required Metric Metric { get; init; }
    public required BandKind Kind { get; init; }

    /// <summary>The limit of an upper or lower band.</summary>
    public double Limit { get; init; }

    /// <summary>The lower limit of a dual band.</summary>
    public double Low { get; init; }

    /// <summary>The upper limit of a dual band.</summary>
    public double High { get; init; }

    public TimeSpan Delay { get; init; }

    /// <summary>Total time outside over the trip that raises the alarm too; null: no cumulative budget.</summary>
    public TimeSpan? Cumulative { get; init; }

    public Severity Severity { get; init; } = Severity.Alarm;

    /// <summary>How far back inside a reading must be to end an excursion (same unit as the metric); 0 by default.</summary>
    public double Hysteresis { get; init; }

    /// <summary>A stable name for reports and alert ids, e.g. <c>temp_c_upper_8</c>.</summary>
    public string Name => Kind switch
    {
        BandKind.Dual => FormattableString.Invariant($"{MetricName(Metric)}_dual_{Low}_{High}"),
        _ => FormattableString.Invariant($"{MetricName(Metric)}_{(Kind == BandKind.Upper ? "upper" : "lower")}_{Limit}"),
    };

    public static string MetricName(Metric metric) => metric == Metric.TemperatureC ? "temp_c" : "rh";
}
