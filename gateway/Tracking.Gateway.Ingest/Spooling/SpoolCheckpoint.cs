namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>One named reader's progress through a <see cref="DiskSpool"/>: what it confirmed, and the records after that.</summary>
internal sealed class SpoolCheckpoint(string reader, string path, SpoolPosition confirmed)
{
    public string Reader { get; } = reader;

    /// <summary>The checkpoint file (written by rename, so it is either the old or the new position after a crash).</summary>
    public string Path { get; } = path;

    public SpoolPosition Confirmed { get; set; } = confirmed;

    /// <summary>Committed records after <see cref="Confirmed"/>.</summary>
    public long Pending { get; set; }
}
