using System.Threading.Channels;
using Tracking.Gateway.Api.Auth;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One client of the stream: what it missed while away (<see cref="Replay"/>) and a bounded queue of what comes after.
/// The queue never grows past its capacity: the event that does not fit ends the subscription with a reason, and the
/// client may resume from the last event it got.
/// </summary>
public sealed class StreamSubscription : IDisposable
{
    private readonly StreamHub _hub;
    private readonly Channel<StreamEvent> _queue;

    internal StreamSubscription(StreamHub hub, FleetScope scope, int capacity, long startId, IReadOnlyList<StreamEvent> replay, string? reset)
    {
        _hub = hub;
        Scope = scope;
        StartId = startId;
        Replay = replay;
        Reset = reset;
        _queue = Channel.CreateBounded<StreamEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true, // the hub offers under its lock
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing is dropped silently
        });
    }

    public FleetScope Scope { get; }

    /// <summary>The id of the newest event when the subscription began; the queue holds only later ones.</summary>
    public long StartId { get; }

    /// <summary>Events after the client's Last-Event-ID up to <see cref="StartId"/>, oldest first.</summary>
    public IReadOnlyList<StreamEvent> Replay { get; }

    /// <summary>Why the client's Last-Event-ID could not be resumed from (a <c>reset</c> event); null when it could.</summary>
    public string? Reset { get; }

    /// <summary>Why the hub ended the subscription; null while it runs.</summary>
    public string? DisconnectReason { get; private set; }

    public ChannelReader<StreamEvent> Events => _queue.Reader;

    /// <summary>Queues <paramref name="e"/>; false, ending the subscription, when the client is too far behind.</summary>
    internal bool Offer(StreamEvent e, int capacity)
    {
        if (_queue.Writer.TryWrite(e)) return true;
        DisconnectReason = $"the client fell more than {capacity} events behind; reconnect with the Last-Event-ID of the last event it got to resume";
        _queue.Writer.TryComplete();
        return false;
    }

    public void Dispose() => _hub.Unsubscribe(this);
}
