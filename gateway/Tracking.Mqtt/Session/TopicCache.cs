using System.Text;

namespace Tracking.Mqtt.Session;

/// <summary>
/// Turns topic bytes into strings without allocating for topics seen before: a fleet publishes on a
/// bounded set of topics, so the receive path decodes each one once. Set-associative (two ways per set, the least recently
/// used one replaced) and bounded, so a hostile stream of distinct topics costs misses, not memory. Used by the single
/// receive loop only.
/// </summary>
/// <remarks>
/// Two ways, not one: direct-mapped with 4,096 slots, 1,000 topics published in turn (bench ingest) shared a slot with
/// another topic for about a fifth of them, and each such pair evicted the other on every message: 40 B a message
/// (issue 11). With two ways and 8,192 sets a set needs three live topics before any of them misses.
/// </remarks>
internal sealed class TopicCache
{
    /// <summary>Topics held at most by default (two per set); about 200 B each once filled, plus 16 B per slot.</summary>
    public const int DefaultCapacity = 16_384;

    // Way 0 of set s at 2s, way 1 at 2s + 1; way 0 is the more recently used.
    private readonly Entry[] _entries;
    private readonly uint _sets;

    public TopicCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _sets = (uint)(capacity / 2);
        _entries = new Entry[_sets * 2];
    }

    /// <summary>Topic strings made because the topic was not held (a first sight or an eviction).</summary>
    public long Misses { get; private set; }

    private readonly record struct Entry(byte[] Utf8, string Topic);

    /// <summary>The set a topic goes to (its hash is seeded per process): what decides which topics compete.</summary>
    internal int SetOf(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        return (int)((uint)hash.ToHashCode() % _sets);
    }

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        int set = SetOf(utf8) * 2;
        ref Entry newer = ref _entries[set];
        if (newer.Utf8 is not null && utf8.SequenceEqual(newer.Utf8)) return newer.Topic;
        ref Entry older = ref _entries[set + 1];
        if (older.Utf8 is not null && utf8.SequenceEqual(older.Utf8))
        {
            (newer, older) = (older, newer);
            return newer.Topic;
        }

        Misses++;
        var topic = Encoding.UTF8.GetString(utf8);
        older = newer;
        newer = new Entry(utf8.ToArray(), topic);
        return topic;
    }
}
