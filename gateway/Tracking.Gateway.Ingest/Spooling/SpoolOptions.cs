namespace Tracking.Gateway.Ingest.Spooling;

public sealed class SpoolOptions
{
    public const string SectionName = "Spool";

    /// <summary>Directory of the segment files, the checkpoint and the dead-letter file.</summary>
    public string Directory { get; set; } = "data/spool";

    public long SegmentBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Disk the spool may use; when reached, ingest stops (back-pressure) until InfluxDB catches up.</summary>
    public long MaxBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Group commit: fsync after this many appended messages ...</summary>
    public int CommitMaxMessages { get; set; } = 500;

    /// <summary>
    /// ... or this long after the first uncommitted one, whichever comes first. Only under load: after a group smaller
    /// than <c>IngestStage.LightLoadGroup</c> the next one is committed as soon as no message waits.
    /// </summary>
    public TimeSpan CommitMaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) throw new ArgumentException("Spool:Directory is required");
        if (SegmentBytes < 4096) throw new ArgumentException("Spool:SegmentBytes must be at least 4096");
        if (MaxBytes < 2 * SegmentBytes) throw new ArgumentException("Spool:MaxBytes must be at least two segments");
        if (CommitMaxMessages < 1) throw new ArgumentException("Spool:CommitMaxMessages must be positive");
        if (CommitMaxDelay < TimeSpan.Zero) throw new ArgumentException("Spool:CommitMaxDelay must not be negative");
    }
}
