namespace Tracking.Bench;

/// <summary>A clock the benchmark sets: the rules engine runs on simulated time, as fast as it can.</summary>
internal sealed class BenchClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}
