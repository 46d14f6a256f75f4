using System.Runtime.CompilerServices;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// The engine's container states by the identity of the key's strings, in front of its dictionary (issue 12: hashing
/// the fleet and container strings of every reading was 8 % of the rules' cost). The gateway's feed makes those strings
/// once per topic, so the readings of one container carry the same string objects: a direct-mapped slot chosen by the
/// container string's identity hash, compared by reference, finds the state without reading the strings. A miss (other
/// string objects with the same text, a slot taken by another container) only costs the dictionary lookup.
/// The engine's <c>ForgetAsync</c> (shared mode: containers another gateway now owns) removes states, and clears this.
/// </summary>
internal sealed class ContainerCache
{
    private const int Slots = 1 << 14;

    // One array of entries, not one per field: a look-up reads one cache line instead of three (issue 12: the readings
    // of a fleet visit the slots in no order, so each array's slot was a cache miss of its own).
    private readonly Entry[] _entries = new Entry[Slots];

    public ContainerState? Find(ContainerKey key)
    {
        ref Entry e = ref _entries[Slot(key.Container)];
        return ReferenceEquals(e.Container, key.Container) && ReferenceEquals(e.Fleet, key.Fleet) ? e.State : null;
    }

    public void Remember(ContainerKey key, ContainerState state)
    {
        if (key.Container is null) return;
        _entries[Slot(key.Container)] = new Entry(key.Fleet, key.Container, state);
    }

    public void Clear() => Array.Clear(_entries);

    private static int Slot(string? container) => container is null ? 0 : RuntimeHelpers.GetHashCode(container) & (Slots - 1);

    private readonly record struct Entry(string? Fleet, string? Container, ContainerState? State);
}
