namespace Tracking.Testing.EndToEnd;

/// <summary>A band of a profile as the gateway's API serves it.</summary>
public sealed record BandRule(string Name, string Metric, string Kind, double Limit, long DelayMs, double Hysteresis);
