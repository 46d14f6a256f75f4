namespace Tracking.Gateway.Rules.Engine;

/// <summary>What the engine knows of one tag of a container now: MKT, excursions of the trip, shocks, unknown time.</summary>
public sealed record StreamSummary
{
    public required ContainerKey Container { get; init; }
    public required string Tag { get; init; }
    public DateTimeOffset? FirstReading { get; init; }
    public DateTimeOffset? LastReading { get; init; }

    /// <summary>MKT over the trip, degC; NaN before two consecutive readings.</summary>
    public double MktTripC { get; init; }

    /// <summary>MKT over the profile's rolling window, degC; NaN without a window or data.</summary>
    public double MktWindowC { get; init; }

    /// <summary>Time not covered by consecutive readings (gaps in seq, reboots): unknown, neither in range nor out.</summary>
    public TimeSpan Unknown { get; init; }

    public IReadOnlyList<Excursion> Excursions { get; init; } = [];
    public int ShockCount { get; init; }
    public double ShockMaxG { get; init; }

    /// <summary>Device times and g of the trip's last (at most 256) counted shocks.</summary>
    public IReadOnlyList<(DateTimeOffset Time, double G)> Shocks { get; init; } = [];

    /// <summary>Readings that came after the window had moved past them: not evaluated.</summary>
    public long TooLate { get; init; }

    /// <summary>
    /// The trip of the newest reading (null: none; README.md "Trips"): <see cref="MktTripC"/> and <see cref="Unknown"/> are
    /// this trip's (or, outside every trip, the time since the last trip ended or, before any, since the first reading).
    /// </summary>
    public long? Trip { get; init; }
}
