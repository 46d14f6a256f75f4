using System.Runtime.CompilerServices;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// The engine's container states by the identity of the key's strings, in front of its dictionary (issue 12: hashing
/// the fleet and container strings of every reading was 8 % of the rules' cost). The gateway's feed makes those strings
/// once per topic, so the readings of one container carry the same string objects: a set of two entries chosen by the
/// container string's identity hash, compared by reference, finds the state without reading the strings. A miss (other
/// string objects with the same text, an entry pushed out of its set) only costs the dictionary lookup.
/// Two ways per set, as the feed's <c>SeenTopics</c>: each consumer stage of the gateway makes its own strings for a topic,
/// so bench ingest's 1,000 containers are about 2,000 keys in use, of which a direct-mapped table of 16,384 slots had
/// about 11 % sharing their slot with another in use, each missing at every reading; in two ways about 3 % (issue 12).
/// The engine's <c>ForgetAsync</c> (shared mode: containers another gateway now owns) removes states, and clears this.
/// </summary>
internal sealed class ContainerCache
{
    private const int Sets = 1 << 13;

    // One array of entries, not one per field: a look-up reads its set from one cache line or two instead of six (the
    // readings of a fleet visit the sets in no order, so each array's slot was a cache miss of its own).
    private readonly Entry[] _entries = new Entry[Sets * 2];

    public ContainerState? Find(ContainerKey key)
    {
        int first = Set(key.Container);
        ref Entry a = ref _entries[first];
        if (a.Is(key)) return a.State;
        ref Entry b = ref _entries[first + 1];
        return b.Is(key) ? b.State : null;
    }

    public void Remember(ContainerKey key, ContainerState state)
    {
        if (key.Container is null) return;
        int first = Set(key.Container);
        var entry = new Entry(key.Fleet, key.Container, state);
        // Already in its set (a look-up for a profile refresh): kept where it is, not a second way's worth.
        if (_entries[first].Is(key))
        {
            _entries[first] = entry;
            return;
        }
        if (_entries[first + 1].Is(key))
        {
            _entries[first + 1] = entry;
            return;
        }
        // The first way holds the newest entry: the older one moves to the second way and out of the set after that.
        _entries[first + 1] = _entries[first];
        _entries[first] = entry;
    }

    public void Clear() => Array.Clear(_entries);

    private static int Set(string? container) => container is null ? 0 : (RuntimeHelpers.GetHashCode(container) & (Sets - 1)) * 2;

    private readonly record struct Entry(string? Fleet, string? Container, ContainerState? State)
    {
        public bool Is(ContainerKey key) => ReferenceEquals(Container, key.Container) && ReferenceEquals(Fleet, key.Fleet);
    }
}
