using System.Runtime.CompilerServices;

namespace Tracking.Gateway;

/// <summary>
/// The (fleet, container, tag) strings of messages whose tag the rules feed has told its <c>ITagSeenListener</c>s
/// about, by the identity of those strings: the spool reader makes them once per topic, so a tag's next messages carry
/// the same string objects and are found without hashing their text (issue 12: the listener's two dictionary look-ups
/// per message were about a third of the rules feed's CPU in a profile of bench ingest). A miss (new string objects, an
/// entry pushed out) only tells the listeners again, which they treat as a no-op. Two ways per set: each consumer stage
/// makes its own strings for a topic (the decoded-batch ring hands either stage's to the feed), and a direct-mapped
/// table of a few thousand topics had a third of them thrashing with another in one slot. One caller at a time.
/// </summary>
internal sealed class SeenTopics
{
    private const int Sets = 1 << 14;
    private readonly string?[] _fleets = new string?[Sets * 2];
    private readonly string?[] _containers = new string?[Sets * 2];
    private readonly string?[] _tags = new string?[Sets * 2];

    /// <summary>True when these very strings were marked before and are still remembered; marks them either way.</summary>
    public bool MarkSeen(string fleet, string container, string tag)
    {
        // All three strings in the set's choice: shared strings (one container id in two fleets, one tag name in many
        // containers) must not all land in one set.
        int hash = (((RuntimeHelpers.GetHashCode(fleet) * 31) + RuntimeHelpers.GetHashCode(container)) * 31) + RuntimeHelpers.GetHashCode(tag);
        int first = (hash & (Sets - 1)) * 2;
        if (Is(first, fleet, container, tag)) return true;
        if (Is(first + 1, fleet, container, tag)) return true;
        // The first way holds the newest entry: the older one moves to the second way and out of the set after that.
        _fleets[first + 1] = _fleets[first];
        _containers[first + 1] = _containers[first];
        _tags[first + 1] = _tags[first];
        _fleets[first] = fleet;
        _containers[first] = container;
        _tags[first] = tag;
        return false;
    }

    private bool Is(int way, string fleet, string container, string tag) =>
        ReferenceEquals(_tags[way], tag) && ReferenceEquals(_containers[way], container) && ReferenceEquals(_fleets[way], fleet);
}
