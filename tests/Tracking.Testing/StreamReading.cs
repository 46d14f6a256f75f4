namespace Tracking.Testing;

/// <summary>One reading of a stream <c>readings</c> event, decoded (<see cref="StreamReadings"/>); null: no value.</summary>
public sealed record StreamReading(string Fleet, string Container, string Tag, long TimeMs, double? TempC, double? RhPct, double? PressureHpa, double? PeakG);
