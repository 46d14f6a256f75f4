using System.Text;

namespace Tracking.Mqtt.Session;

/// <summary>
/// Turns topic bytes into strings without allocating for topics seen before: a fleet publishes on a
/// bounded set of topics, so the receive path decodes each one once. Direct-mapped and bounded, so a
/// hostile stream of distinct topics costs misses, not memory. Used by the single receive loop only.
/// </summary>
internal sealed class TopicCache(int capacity = 4096)
{
    private readonly Entry[] _entries = new Entry[capacity];

    private readonly record struct Entry(byte[] Utf8, string Topic);

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        int slot = (int)((uint)hash.ToHashCode() % (uint)_entries.Length);
        ref Entry e = ref _entries[slot];
        if (e.Utf8 is not null && utf8.SequenceEqual(e.Utf8)) return e.Topic;
        var topic = Encoding.UTF8.GetString(utf8);
        e = new Entry(utf8.ToArray(), topic);
        return topic;
    }
}
