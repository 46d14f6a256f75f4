using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Tracking.Gateway.Api.Auth;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One client of the stream: what it missed while away (<see cref="Replay"/>) and a bounded queue of what comes after.
/// The queue never holds more than its capacity in event weight (<see cref="StreamEvent.Weight"/>: readings, or 1 per
/// other event): the event that does not fit ends the subscription with a reason, and the client may resume from the
/// last event it got.
/// </summary>
public sealed class StreamSubscription : IDisposable
{
    private readonly StreamHub _hub;
    private readonly Channel<StreamEvent> _queue;
    private readonly WeighedReader _reader;
    private int _queued;

    internal StreamSubscription(StreamHub hub, FleetScope scope, int capacity, long startId, IReadOnlyList<StreamEvent> replay, string? reset,
        IReadOnlyList<NamesSnapshot> names)
    {
        _hub = hub;
        Scope = scope;
        StartId = startId;
        Replay = replay;
        Reset = reset;
        Names = names;
        // Unbounded as a channel, bounded by weight in Offer (the hub offers under its lock). Not SingleReader: that
        // channel cannot count, and the count is how tests and the endpoint see what waits.
        _queue = Channel.CreateUnbounded<StreamEvent>(new UnboundedChannelOptions { SingleWriter = true });
        _reader = new WeighedReader(this);
    }

    public FleetScope Scope { get; }

    /// <summary>The id of the newest event when the subscription began; the queue holds only later ones.</summary>
    public long StartId { get; }

    /// <summary>Events after the client's Last-Event-ID up to <see cref="StartId"/>, oldest first.</summary>
    public IReadOnlyList<StreamEvent> Replay { get; }

    /// <summary>
    /// The name tables of the client's fleets, sent as <c>names</c> events before the replay: they resolve every stream
    /// index of <see cref="Replay"/> and of every later event (docs/api.md, "names").
    /// </summary>
    internal IReadOnlyList<NamesSnapshot> Names { get; }

    /// <summary>Why the client's Last-Event-ID could not be resumed from (a <c>reset</c> event); null when it could.</summary>
    public string? Reset { get; }

    /// <summary>Why the hub ended the subscription; null while it runs.</summary>
    public string? DisconnectReason { get; private set; }

    public ChannelReader<StreamEvent> Events => _reader;

    /// <summary>True once the hub ended the subscription (the events queued before stay readable).</summary>
    public bool Ended => DisconnectReason is not null;

    /// <summary>
    /// Set after every event queued and at the end, so the stream's writer waits without allocating
    /// (<see cref="ChannelReader{T}.WaitToReadAsync"/> with a token allocated per wait).
    /// </summary>
    internal StreamSignal Signal { get; } = new();

    /// <summary>The weight queued and not yet read.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Queues <paramref name="e"/>; false, ending the subscription, when the client is too far behind.</summary>
    internal bool Offer(StreamEvent e, int capacity)
    {
        if (Volatile.Read(ref _queued) + e.Weight <= capacity)
        {
            int queued = Interlocked.Add(ref _queued, e.Weight);
            _queue.Writer.TryWrite(e);
            // Half full: a writer holding its events back for one write (Live:StreamWriteInterval) writes now, so the
            // wait alone never costs a client its stream.
            if (queued * 2 >= capacity) Signal.Wake();
            else Signal.Signal();
            return true;
        }
        DisconnectReason = $"the client fell more than {capacity} readings and events behind; reconnect with the Last-Event-ID of the last event it got to resume";
        _queue.Writer.TryComplete();
        Signal.Wake(); // also a writer holding its events back for one write: it must say goodbye now
        return false;
    }

    public void Dispose() => _hub.Unsubscribe(this);

    /// <summary>The queue's reader, giving back each event's weight as it is read.</summary>
    private sealed class WeighedReader(StreamSubscription owner) : ChannelReader<StreamEvent>
    {
        private ChannelReader<StreamEvent> Inner => owner._queue.Reader;

        public override Task Completion => Inner.Completion;

        public override bool CanCount => true;

        public override bool CanPeek => true;

        public override int Count => Inner.Count;

        public override bool TryRead([MaybeNullWhen(false)] out StreamEvent item)
        {
            if (!Inner.TryRead(out item)) return false;
            Interlocked.Add(ref owner._queued, -item.Weight);
            return true;
        }

        public override bool TryPeek([MaybeNullWhen(false)] out StreamEvent item) => Inner.TryPeek(out item);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => Inner.WaitToReadAsync(cancellationToken);
    }
}
