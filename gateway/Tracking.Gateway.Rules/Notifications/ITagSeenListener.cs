namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// Told of the tag of every accepted message (the gateway's rules feed calls it), so a tag seen for the first time gets
/// what it must have, such as its container's retained config (docs/protocol.md 4.4). Called on the feed's thread at
/// least once per tag and process, and again at times for a tag it already reported (the feed skips the tags of recent
/// messages, issue 12): an implementation must treat a repeat as a no-op, return at once (a set lookup, a queue) and
/// never throw.
/// </summary>
public interface ITagSeenListener
{
    void TagSeen(ContainerKey container, string tag);
}
