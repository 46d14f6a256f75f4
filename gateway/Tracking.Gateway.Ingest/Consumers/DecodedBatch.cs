using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// Consecutive spool records as one consumer stage decoded them, kept in the <see cref="DecodedBatchRing"/> for the other
/// consumer stages: per record the spool position after it and its message (null for a record no consumer gets: it no
/// longer decodes, or it removes a tag). Immutable once made, like the <see cref="TagMessage"/>s it holds, so readers on
/// other threads share it without copying.
/// </summary>
public sealed class DecodedBatch
{
    private readonly SpoolPosition[] _ends;
    private readonly TagMessage?[] _messages;

    public DecodedBatch(SpoolPosition start, SpoolPosition[] ends, TagMessage?[] messages)
    {
        if (ends.Length == 0 || ends.Length != messages.Length) throw new ArgumentException("a batch holds at least one record, one message slot per record");
        Start = start;
        _ends = ends;
        _messages = messages;
    }

    /// <summary>Position of the first record (a reader's position before it).</summary>
    public SpoolPosition Start { get; }

    /// <summary>Position after the last record.</summary>
    public SpoolPosition End => _ends[^1];

    public int Count => _ends.Length;

    /// <summary>The spool position after record <paramref name="index"/>.</summary>
    public SpoolPosition EndOf(int index) => _ends[index];

    /// <summary>The message of record <paramref name="index"/>; null when consumers do not get it.</summary>
    public TagMessage? MessageOf(int index) => _messages[index];

    /// <summary>
    /// The index of the record that starts at <paramref name="position"/>, or -1 when no record of the batch starts
    /// there (outside it, or a position between segments that a reader came to in another way).
    /// </summary>
    public int IndexAt(SpoolPosition position)
    {
        if (position == Start) return 0;
        int found = Array.BinarySearch(_ends, position);
        return found >= 0 && found + 1 < _ends.Length ? found + 1 : -1;
    }
}
