using System.Runtime.CompilerServices;

namespace Tracking.Gateway;

/// <summary>
/// The (fleet, container, tag) strings of messages whose tag the rules feed has told its <c>ITagSeenListener</c>s
/// about, by the identity of those strings: the spool reader makes them once per topic, so a tag's next messages carry
/// the same string objects and are found in a direct-mapped slot without hashing their text (issue 12: the listener's
/// two dictionary look-ups per message were about a third of the rules feed's CPU in a profile of bench ingest). A miss
/// (new string objects, a slot another topic took) only tells the listeners again, which they treat as a no-op.
/// One caller at a time (the feed's consumer stage).
/// </summary>
internal sealed class SeenTopics
{
    private const int Slots = 1 << 13;
    private readonly string?[] _fleets = new string?[Slots];
    private readonly string?[] _containers = new string?[Slots];
    private readonly string?[] _tags = new string?[Slots];

    /// <summary>True when these very strings were marked before and are still remembered; marks them either way.</summary>
    public bool MarkSeen(string fleet, string container, string tag)
    {
        // All three strings in the slot's choice: interned or shared strings (one container id in two fleets, one tag
        // name in many containers) must not all land in one slot.
        int hash = (((RuntimeHelpers.GetHashCode(fleet) * 31) + RuntimeHelpers.GetHashCode(container)) * 31) + RuntimeHelpers.GetHashCode(tag);
        int slot = hash & (Slots - 1);
        if (ReferenceEquals(_tags[slot], tag) && ReferenceEquals(_containers[slot], container) && ReferenceEquals(_fleets[slot], fleet)) return true;
        _fleets[slot] = fleet;
        _containers[slot] = container;
        _tags[slot] = tag;
        return false;
    }
}
