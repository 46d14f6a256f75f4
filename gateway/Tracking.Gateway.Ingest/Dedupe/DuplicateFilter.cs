using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Dedupe;

/// <summary>
/// The dedupe index of docs/protocol.md section 8: key <c>(fleet, container, tag, boot, seq)</c>, separately per
/// stream (readings of the telemetry stream, events of the event stream). A message is a duplicate when every key it
/// carries was seen recently, so a batch the tag sends again in another split is caught as long as its readings
/// are. Bounded twice: each tag keeps the ranges of its last <c>perTag</c> messages (a ring), and tags are kept in
/// two generations: when the current generation reaches <c>maxTags / 2</c> it becomes the old one and the previous
/// old one is forgotten (an approximate LRU without per-lookup bookkeeping). Not thread-safe.
/// </summary>
public sealed class DuplicateFilter
{
    /// <summary>Most keys one message can carry: a telemetry batch of 64 readings (section 5).</summary>
    public const int MaxKeysPerMessage = 64;

    private readonly int _perTag;
    private readonly int _generationSize;
    private Dictionary<string, TagWindow> _current = new(StringComparer.Ordinal);
    private Dictionary<string, TagWindow> _previous = new(StringComparer.Ordinal);

    public DuplicateFilter(int maxTags = 100_000, int perTag = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTags, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(perTag, 1);
        _perTag = perTag;
        _generationSize = maxTags / 2;
    }

    public int TrackedTags => _current.Count + _previous.Count;

    /// <summary>
    /// True if all <paramref name="count"/> keys <c>(boot, seq .. seq+count-1)</c> of the stream were seen recently;
    /// otherwise remembers them and returns false. Boot and seq are the protocol's unsigned 32-bit counters (section 5).
    /// </summary>
    public bool IsDuplicate(ReadOnlySpan<char> tagPath, MessageKind kind, long boot, long seq, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxKeysPerMessage);
        ArgumentOutOfRangeException.ThrowIfNegative(boot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(boot, uint.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seq, uint.MaxValue);
        return !Window(tagPath).Add(new Range((uint)boot, (uint)seq, (byte)kind, (byte)count));
    }

    /// <summary>Remembers the keys without asking (refilling the index from the spool at start-up).</summary>
    public void Remember(ReadOnlySpan<char> tagPath, MessageKind kind, long boot, long seq, int count = 1) =>
        IsDuplicate(tagPath, kind, boot, seq, count);

    private TagWindow Window(ReadOnlySpan<char> tagPath)
    {
        var current = _current.GetAlternateLookup<ReadOnlySpan<char>>();
        if (current.TryGetValue(tagPath, out TagWindow? window)) return window;
        if (_previous.GetAlternateLookup<ReadOnlySpan<char>>().Remove(tagPath, out string? name, out window))
        {
            _current[name] = window;
        }
        else
        {
            window = new TagWindow(_perTag);
            _current[tagPath.ToString()] = window;
        }

        if (_current.Count >= _generationSize)
        {
            _previous = _current;
            _current = new Dictionary<string, TagWindow>(StringComparer.Ordinal);
        }

        return window;
    }

    /// <summary>
    /// 12 bytes, not 32 as with longs and an int: a tag's window grows to <c>perTag</c> of these as its messages come, and
    /// the doubling arrays of the fleet's young windows were 80 B a message in bench ingest (issue 11).
    /// </summary>
    private readonly record struct Range(uint Boot, uint Seq, byte Kind, byte Count);

    /// <summary>The ranges of the last messages of one tag; grows to its capacity only as messages come.</summary>
    private sealed class TagWindow(int capacity)
    {
        private Range[] _ring = new Range[Math.Min(capacity, 8)];
        private int _count;
        private int _next;

        /// <summary>False (and nothing remembered) if every key of <paramref name="range"/> is already covered.</summary>
        public bool Add(Range range)
        {
            ulong all = range.Count == 64 ? ulong.MaxValue : (1UL << range.Count) - 1;
            ulong covered = 0;
            for (int i = 0; i < _count && covered != all; i++)
            {
                ref readonly Range r = ref _ring[i];
                if (r.Kind != range.Kind || r.Boot != range.Boot) continue;
                // In long: seq + count may pass the 32-bit counter's end, as the tag's own last readings of a batch may.
                long from = Math.Max(r.Seq, range.Seq), to = Math.Min((long)r.Seq + r.Count, (long)range.Seq + range.Count);
                for (long s = from; s < to; s++) covered |= 1UL << (int)(s - range.Seq);
            }

            if (covered == all) return false;
            if (_count < capacity && _count == _ring.Length) Array.Resize(ref _ring, Math.Min(capacity, _ring.Length * 2));
            _ring[_next] = range;
            _count = Math.Max(_count, _next + 1);
            _next = (_next + 1) % capacity;
            return true;
        }
    }
}
