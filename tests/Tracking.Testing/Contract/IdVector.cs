namespace Tracking.Testing.Contract;

/// <summary>
/// A fleet or tag level. <paramref name="Error"/> names a ContainerTag.Core.Protocol.IdError;
/// <paramref name="TopicReason"/>, when set, names the gateway's RejectReason for a topic holding the id, where the id
/// changes the topic's shape (a '/' adds a level) before the id rules are reached.
/// </summary>
public sealed record IdVector(string Id, string Error, string Note, string? TopicReason)
{
    public override string ToString() => $"id {Printable.Of(Id)} ({Note})";
}
