namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>When /healthz reports a problem (section "Health"); each has a gauge on /metrics whatever the limits.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>InfluxDB has taken none of the writes waiting for it for this long: a problem (the spool fills meanwhile).</summary>
    public TimeSpan InfluxUnreachableAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The writer has had committed records waiting, no write in flight and confirmed nothing for this long: a problem (a
    /// stalled writer; acknowledged readings would reach InfluxDB only after a restart).
    /// </summary>
    public TimeSpan WriterStalledAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Share of Spool:MaxBytes in use above which the spool is reported as nearly full (0..1).</summary>
    public double SpoolHighWaterMark { get; set; } = 0.9;

    /// <summary>More dead letters per minute than this (over <see cref="DeadLetterWindow"/>) is a problem; 0 turns the check off.</summary>
    public double DeadLettersPerMinute { get; set; } = 60;

    /// <summary>The sliding window the dead-letter rate is computed over.</summary>
    public TimeSpan DeadLetterWindow { get; set; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (InfluxUnreachableAfter <= TimeSpan.Zero) throw new ArgumentException("Health:InfluxUnreachableAfter must be positive");
        if (WriterStalledAfter <= TimeSpan.Zero) throw new ArgumentException("Health:WriterStalledAfter must be positive");
        if (!(SpoolHighWaterMark > 0 && SpoolHighWaterMark <= 1)) throw new ArgumentException("Health:SpoolHighWaterMark must be in (0, 1]");
        if (!(DeadLettersPerMinute >= 0)) throw new ArgumentException("Health:DeadLettersPerMinute must not be negative");
        if (DeadLetterWindow < TimeSpan.FromSeconds(1)) throw new ArgumentException("Health:DeadLetterWindow must be at least one second");
    }
}
