namespace Tracking.Gateway.Rules.Trips;

/// <summary>
/// One shipment of a container (issue 12: "cumulative budget = total time outside over the trip", MKT over the trip, a
/// trip report): from <see cref="Start"/> to <see cref="End"/> (null while it lasts), both in device time, since readings
/// are evaluated on reading time and late data must land in the trip it was measured in. A container's trips never
/// overlap; starting one ends the one in progress. Readings outside every trip belong to no trip (README.md "Trips").
/// </summary>
public sealed record Trip
{
    /// <summary>Assigned by the store (0 before); unique across containers.</summary>
    public long Id { get; init; }

    public required ContainerKey Container { get; init; }

    /// <summary>Inclusive: a reading at this time is the trip's.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>Exclusive: a reading at this time is no longer the trip's. Null while the trip lasts.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>The operator's name for it: a booking or bill-of-lading number (<see cref="TripRules.ReferencePattern"/>).</summary>
    public string? Reference { get; init; }

    /// <summary>The profile in force when it was started (its name), for the record; the rules use the container's current one.</summary>
    public string? Profile { get; init; }

    /// <summary>When the trip was recorded (the gateway's clock).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether a reading at <paramref name="at"/> belongs to this trip.</summary>
    public bool Contains(DateTimeOffset at) => at >= Start && (End is not { } end || at < end);
}
