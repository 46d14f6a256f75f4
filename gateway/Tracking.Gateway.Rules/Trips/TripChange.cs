namespace Tracking.Gateway.Rules.Trips;

/// <param name="Outcome">Whether it was written, and why not.</param>
/// <param name="Trip">The trip started or ended (Done); the trip in the way otherwise (the latest, or the one in progress), if any.</param>
/// <param name="Ended">On a start: the trip in progress that the start ended, if there was one.</param>
public sealed record TripChange(TripOutcome Outcome, Trip? Trip, Trip? Ended = null);
