namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>
/// Bounds of the dead-letter files and of the rejection log lines (section "DeadLetters"), so that a client flooding
/// junk costs bounded disk, memory and log, and never more than accepting the same number of valid messages.
/// </summary>
public sealed class DeadLetterOptions
{
    public const string SectionName = "DeadLetters";

    /// <summary>
    /// Size at which <c>dead-letters.jsonl</c> is rotated to <c>dead-letters.1.jsonl</c> (and .1 to .2, ...). Also what
    /// letters may wait in memory for the next fsync: beyond that they are dropped and counted.
    /// </summary>
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Files kept, the current one included; the oldest is deleted by a rotation. Disk used: at most MaxFiles x MaxFileBytes.</summary>
    public int MaxFiles { get; set; } = 4;

    /// <summary>
    /// Bytes of a refused payload kept in its letter; the letter records the original length ("payload_bytes") and
    /// "truncated": true past it. The default is the protocol's largest payload, so only payload_too_large is cut.
    /// </summary>
    public int MaxPayloadBytes { get; set; } = Decoding.MessageDecoder.MaxPayloadBytes;

    /// <summary>Rejection log lines per reason per <see cref="LogInterval"/>; the rest are counted and summed up in one line.</summary>
    public int LogLines { get; set; } = 10;

    /// <summary>The interval of <see cref="LogLines"/>.</summary>
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromMinutes(1);

    public void Validate()
    {
        if (MaxFileBytes < 4096) throw new ArgumentException("DeadLetters:MaxFileBytes must be at least 4096");
        if (MaxFiles < 1) throw new ArgumentException("DeadLetters:MaxFiles must be at least 1");
        if (MaxPayloadBytes < 0) throw new ArgumentException("DeadLetters:MaxPayloadBytes must not be negative");
        if (LogLines < 0) throw new ArgumentException("DeadLetters:LogLines must not be negative");
        if (LogInterval <= TimeSpan.Zero) throw new ArgumentException("DeadLetters:LogInterval must be positive");
    }
}
