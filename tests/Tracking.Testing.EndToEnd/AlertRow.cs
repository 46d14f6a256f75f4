namespace Tracking.Testing.EndToEnd;

/// <summary>
/// One alert as the API lists it, with what a timer-driven alert is judged by besides its <see cref="AlertFact"/>: when
/// the gateway raised it and when it resolved it (its own clock, Unix ms).
/// </summary>
public sealed record AlertRow(AlertFact Fact, long Id, long RaisedAtMs, long? ResolvedAtMs);
