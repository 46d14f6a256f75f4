namespace Tracking.Gateway.Rules.Trips;

/// <summary>What became of a trip start or end (<see cref="Store.IRuleStore.StartTripAsync"/>, <see cref="Store.IRuleStore.EndTripAsync"/>).</summary>
public enum TripOutcome
{
    /// <summary>Done: the trip started (and the one in progress ended), or the trip in progress ended.</summary>
    Done,

    /// <summary>The start is not after the latest trip's start, or before its end: trips never overlap (nothing written).</summary>
    Overlaps,

    /// <summary>An end at or before the trip's start (nothing written).</summary>
    EndBeforeStart,

    /// <summary>No trip in progress to end.</summary>
    NoOpenTrip,

    /// <summary>Another writer changed the container's trips at the same moment (nothing written): read again and retry.</summary>
    Conflict,
}
