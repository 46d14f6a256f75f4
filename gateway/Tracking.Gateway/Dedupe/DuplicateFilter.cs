using Tracking.Gateway.Decoding;

namespace Tracking.Gateway.Dedupe;

/// <summary>
/// Remembers the recent (kind, boot, seq) keys of each tag so that a message the tag or broker sends again is
/// dropped before it reaches the spool, and events and alerts are not counted twice. Bounded twice: each tag keeps
/// its last <c>perTag</c> keys (a ring), and tags are kept in two generations: when the current generation reaches
/// <c>maxTags / 2</c> it becomes the old one and the previous old one is forgotten (an approximate LRU without
/// per-lookup bookkeeping). Not thread-safe.
/// </summary>
public sealed class DuplicateFilter
{
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

    /// <summary>True if the key was seen recently; otherwise remembers it and returns false.</summary>
    public bool IsDuplicate(ReadOnlySpan<char> tagPath, MessageKind kind, long boot, long seq)
    {
        var key = new Key((byte)kind, boot, seq);
        var current = _current.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!current.TryGetValue(tagPath, out TagWindow? window))
        {
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
        }

        return !window.Add(key);
    }

    private readonly record struct Key(byte Kind, long Boot, long Seq);

    private sealed class TagWindow(int capacity)
    {
        private readonly Key[] _ring = new Key[capacity];
        private readonly HashSet<Key> _set = new(capacity);
        private int _next;

        /// <summary>False if already present.</summary>
        public bool Add(Key key)
        {
            if (!_set.Add(key)) return false;
            if (_set.Count > _ring.Length) _set.Remove(_ring[_next]);
            _ring[_next] = key;
            _next = (_next + 1) % _ring.Length;
            return true;
        }
    }
}
