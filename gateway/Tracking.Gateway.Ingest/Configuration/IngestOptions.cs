namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>Ingest stage settings (section "Ingest"): what is taken and how duplicates are recognised.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Container ids must be ISO 6346 numbers with a valid check digit; false accepts any [A-Za-z0-9_-]{1,64}.</summary>
    public bool StrictContainerIds { get; set; } = true;
    public int DedupeMaxTags { get; set; } = 100_000;
    public int DedupeWindowPerTag { get; set; } = 256;
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the gateway's own counters go to the <c>gateway</c> measurement; zero turns that off.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (DedupeMaxTags < 2) throw new ArgumentException($"Ingest:DedupeMaxTags must be at least 2 (two generations of tags), not {DedupeMaxTags}");
        if (DedupeWindowPerTag < 1) throw new ArgumentException($"Ingest:DedupeWindowPerTag must be positive, not {DedupeWindowPerTag}");
        if (SummaryInterval <= TimeSpan.Zero) throw new ArgumentException($"Ingest:SummaryInterval must be positive, not {SummaryInterval}");
        if (StatsInterval < TimeSpan.Zero) throw new ArgumentException($"Ingest:StatsInterval must not be negative (0 turns it off), not {StatsInterval}");
    }
}
