using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// Consecutive spool records as one consumer stage decoded them, kept in the <see cref="DecodedBatchRing"/> for the other
/// consumer stages: per record the spool position after it and its message (null for a record no consumer gets: it no
/// longer decodes, or it removes a tag). Immutable once made, like the <see cref="TagMessage"/>s it holds, so readers on
/// other threads share it without copying.
/// </summary>
/// <remarks>
/// A batch within one segment (nearly all) keeps its records' end offsets as 32-bit numbers in that segment, 4 bytes a
/// record instead of a 16-byte position: one is made per record that a stage decodes (bench ingest: 12 B a message,
/// issue 11).
/// </remarks>
public sealed class DecodedBatch
{
    // Either the ends' offsets in Start's segment, or (a batch across segments, or offsets past 2 GB) the ends themselves.
    private readonly int[]? _offsets;
    private readonly SpoolPosition[]? _ends;
    private readonly TagMessage?[] _messages;

    /// <summary>With the ends copied from <paramref name="ends"/> (a stage's list, reused for its next batch).</summary>
    public DecodedBatch(SpoolPosition start, IReadOnlyList<SpoolPosition> ends, TagMessage?[] messages)
    {
        if (ends.Count == 0 || ends.Count != messages.Length) throw new ArgumentException("a batch holds at least one record, one message slot per record");
        Start = start;
        _messages = messages;
        bool compact = true;
        for (int i = 0; i < ends.Count && compact; i++) compact = ends[i].Segment == start.Segment && ends[i].Offset <= int.MaxValue;
        if (compact)
        {
            _offsets = new int[ends.Count];
            for (int i = 0; i < _offsets.Length; i++) _offsets[i] = (int)ends[i].Offset;
        }
        else
        {
            _ends = [.. ends];
        }

        End = EndOf(ends.Count - 1);
    }

    /// <summary>Position of the first record (a reader's position before it).</summary>
    public SpoolPosition Start { get; }

    /// <summary>Position after the last record.</summary>
    public SpoolPosition End { get; }

    public int Count => _messages.Length;

    /// <summary>The spool position after record <paramref name="index"/>.</summary>
    public SpoolPosition EndOf(int index) => _offsets is { } offsets ? new SpoolPosition(Start.Segment, offsets[index]) : _ends![index];

    /// <summary>The message of record <paramref name="index"/>; null when consumers do not get it.</summary>
    public TagMessage? MessageOf(int index) => _messages[index];

    /// <summary>
    /// The index of the record that starts at <paramref name="position"/>, or -1 when no record of the batch starts
    /// there (outside it, or a position between segments that a reader came to in another way).
    /// </summary>
    public int IndexAt(SpoolPosition position)
    {
        if (position == Start) return 0;
        int found;
        if (_offsets is { } offsets)
        {
            // Every record of a compact batch starts in Start's segment.
            if (position.Segment != Start.Segment || position.Offset > int.MaxValue) return -1;
            found = Array.BinarySearch(offsets, (int)position.Offset);
        }
        else
        {
            found = Array.BinarySearch(_ends!, position);
        }

        return found >= 0 && found + 1 < Count ? found + 1 : -1;
    }
}
