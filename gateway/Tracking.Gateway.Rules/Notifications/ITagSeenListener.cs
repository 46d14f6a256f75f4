namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// Told of the tag of every accepted message (the gateway's rules feed calls it), so a tag seen for the first time gets
/// what it must have, such as its container's retained config (docs/protocol.md 4.4). Called on the feed's thread (by
/// the engine, under its lock, when an input first reaches the tag's stream in this process: <see
/// cref="RuleEngine.ProcessAsync(System.Collections.Generic.IReadOnlyList{Input.RuleInput}, bool, ITagSeenListener?, System.Threading.CancellationToken)"/>;
/// by the feed itself for messages without inputs and in shared mode) at least once per tag and process, and at times
/// again for a tag it already reported (issue 12): an implementation must treat a repeat as a no-op, return at once (a
/// set lookup, a queue) and never throw.
/// </summary>
public interface ITagSeenListener
{
    /// <summary>
    /// False when the listener could not take the tag now (the config publisher's queue full): the engine tells it again
    /// at the stream's next input, so a refused tag still gets its config without waiting for a restart.
    /// </summary>
    bool TagSeen(ContainerKey container, string tag);
}
