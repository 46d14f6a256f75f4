using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway;

/// <summary>Several <see cref="ITagSeenListener"/>s as one, for the engine's one listener argument.</summary>
internal sealed class TagSeenListeners : ITagSeenListener
{
    private readonly ITagSeenListener[] _listeners;

    private TagSeenListeners(ITagSeenListener[] listeners) => _listeners = listeners;

    /// <summary>Null for none, the listener itself for one.</summary>
    public static ITagSeenListener? Of(ITagSeenListener[] listeners) => listeners.Length switch
    {
        0 => null,
        1 => listeners[0],
        _ => new TagSeenListeners(listeners),
    };

    /// <summary>Every listener told; true when all took it (one that took it treats the next telling as a repeat).</summary>
    public bool TagSeen(ContainerKey container, string tag)
    {
        bool taken = true;
        foreach (ITagSeenListener listener in _listeners) taken &= listener.TagSeen(container, tag);
        return taken;
    }
}
