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
    private readonly string?[] _fleets = new string?[Slots];
    private readonly string?[] _containers = new string?[Slots];
    private readonly ContainerState?[] _states = new ContainerState?[Slots];

    public ContainerState? Find(ContainerKey key)
    {
        int slot = Slot(key.Container);
        return ReferenceEquals(_containers[slot], key.Container) && ReferenceEquals(_fleets[slot], key.Fleet) ? _states[slot] : null;
    }

    public void Remember(ContainerKey key, ContainerState state)
    {
        if (key.Container is null) return;
        int slot = Slot(key.Container);
        _fleets[slot] = key.Fleet;
        _containers[slot] = key.Container;
        _states[slot] = state;
    }

    public void Clear()
    {
        Array.Clear(_fleets);
        Array.Clear(_containers);
        Array.Clear(_states);
    }

    private static int Slot(string? container) => container is null ? 0 : RuntimeHelpers.GetHashCode(container) & (Slots - 1);
}
