namespace TagSimulator.Models;

/// <summary>A span of simulated time [StartMs, EndMs).</summary>
public readonly record struct TimeWindow(long StartMs, long EndMs)
{
    public bool Contains(long ms) => ms >= StartMs && ms < EndMs;

    public long DurationMs => EndMs - StartMs;
}

/// <summary>A handling shock: when, and its peak dynamic acceleration in g.</summary>
public readonly record struct Shock(long AtMs, double G);
