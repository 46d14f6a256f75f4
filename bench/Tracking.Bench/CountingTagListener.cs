using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Bench;

/// <summary>The tag config publisher's place in <c>rules --feed</c>: counts what it is told (a repeat is a no-op there too).</summary>
internal sealed class CountingTagListener : ITagSeenListener
{
    public int Told { get; private set; }

    public bool TagSeen(ContainerKey container, string tag)
    {
        Told++;
        return true;
    }
}
