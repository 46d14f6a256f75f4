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

    // One array of entries, not one per string: a look-up reads the set's two ways from one or two cache lines instead
    // of six (the engine's ContainerCache does the same; a fleet's topics visit the sets in no order).
    private readonly Entry[] _entries = new Entry[Sets * 2];

    /// <summary>True when these very strings were marked before and are still remembered; marks them either way.</summary>
    public bool MarkSeen(string fleet, string container, string tag)
    {
        int first = FirstWay(fleet, container, tag);
        if (_entries[first].Is(fleet, container, tag) || _entries[first + 1].Is(fleet, container, tag)) return true;
        // The first way holds the newest entry: the older one moves to the second way and out of the set after that.
        _entries[first + 1] = _entries[first];
        _entries[first] = new Entry(fleet, container, tag);
        return false;
    }

    /// <summary>
    /// Forgets these strings (the listeners refused the tag: a full queue), so the tag's next message tells them again, as
    /// the engine does for a stream it told and was refused.
    /// </summary>
    public void Forget(string fleet, string container, string tag)
    {
        int first = FirstWay(fleet, container, tag);
        if (_entries[first].Is(fleet, container, tag)) _entries[first] = default;
        else if (_entries[first + 1].Is(fleet, container, tag)) _entries[first + 1] = default;
    }

    // All three strings in the set's choice: shared strings (one container id in two fleets, one tag name in many
    // containers) must not all land in one set.
    private static int FirstWay(string fleet, string container, string tag)
    {
        int hash = (((RuntimeHelpers.GetHashCode(fleet) * 31) + RuntimeHelpers.GetHashCode(container)) * 31) + RuntimeHelpers.GetHashCode(tag);
        return (hash & (Sets - 1)) * 2;
    }

    private readonly record struct Entry(string? Fleet, string? Container, string? Tag)
    {
        public bool Is(string fleet, string container, string tag) =>
            ReferenceEquals(Tag, tag) && ReferenceEquals(Container, container) && ReferenceEquals(Fleet, fleet);
    }
}
