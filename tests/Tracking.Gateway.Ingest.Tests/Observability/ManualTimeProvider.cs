namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>A clock that moves only when the test says so (timestamps in ticks, 10 MHz).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _sync = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() { lock (_sync) return _now; }

    public override long GetTimestamp() { lock (_sync) return _now.UtcTicks; }

    public void Advance(TimeSpan by)
    {
        lock (_sync) _now += by;
    }
}
