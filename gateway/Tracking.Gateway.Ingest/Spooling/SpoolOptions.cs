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

    /// <summary>
    /// Spool directories of other gateways this one can reach (same host, or a shared volume with working locks): one whose
    /// lock it can take belongs to a dead gateway, and this one drains it (<see cref="Group.PeerSpoolAdopter"/>). Empty: none.
    /// </summary>
    public string[] Peers { get; set; } = [];

    /// <summary>How often the <see cref="Peers"/>' locks are tried.</summary>
    public TimeSpan AdoptInterval { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory)) throw new ArgumentException("Spool:Directory is required");
        if (SegmentBytes < 4096) throw new ArgumentException("Spool:SegmentBytes must be at least 4096");
        if (MaxBytes < 2 * SegmentBytes) throw new ArgumentException("Spool:MaxBytes must be at least two segments");
        if (CommitMaxMessages < 1) throw new ArgumentException("Spool:CommitMaxMessages must be positive");
        if (CommitMaxDelay < TimeSpan.Zero) throw new ArgumentException("Spool:CommitMaxDelay must not be negative");
        ValidatePeers();
    }

    private void ValidatePeers()
    {
        if (Peers is null) throw new ArgumentException("Spool:Peers must be a list (empty for none)");
        if (AdoptInterval <= TimeSpan.Zero) throw new ArgumentException("Spool:AdoptInterval must be positive");
        string own = FullPath(Directory);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Peers.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(Peers[i])) throw new ArgumentException($"Spool:Peers:{i} is empty");
            string peer = FullPath(Peers[i]);
            // Its own directory is locked by itself (it would never adopt it) and is its own spool, not a peer's.
            if (peer == own) throw new ArgumentException($"Spool:Peers:{i} ('{Peers[i]}') is this gateway's own Spool:Directory");
            if (!seen.Add(peer)) throw new ArgumentException($"Spool:Peers:{i} ('{Peers[i]}') is listed twice");
        }
    }

    private static string FullPath(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
