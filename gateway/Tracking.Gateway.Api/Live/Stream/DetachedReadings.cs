using System.Numerics;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// A closed <see cref="ReadingBatch"/>'s readings, and the names and streams it introduced, kept apart from the batch (which the hub
/// reuses) for an event closed while no client was connected, and serialized only if a client resuming from before it is
/// sent it:
/// <see cref="ToJson"/> writes what the batch's frame would hold. Its content does not change while its event is in the
/// hub's window; once the event has left the window unsent (<see cref="Shared"/> never set) the hub fills it again for a
/// later batch, so a gateway that nobody watches does not allocate its window's readings over and over.
/// </summary>
/// <remarks>
/// The names and streams are the fleet's name table's arrays with the range the batch added (never changed below the
/// table's counts, so nothing is copied). A copy of about 64 B a reading (the readings, the names) per batch was 10 % of what the gateway
/// allocated per message in bench ingest, which no client watches (issue 11). Used by the hub under its lock, except <see cref="ToJson"/> of one
/// that is <see cref="Shared"/> (never filled again).
/// </remarks>
internal sealed class DetachedReadings : IStreamPayload
{
    private string _fleet = "";
    private AddedNames _added;
    private ReadingBatch.Item[] _items = [];
    private int _count;

    /// <summary>
    /// Set under the hub's lock once a subscriber's replay holds the event: it may be serialized at any time from then on,
    /// so it is never filled again.
    /// </summary>
    public bool Shared { get; set; }

    public int Count => _count;

    /// <summary>
    /// Takes a copy of the batch's readings, reusing this one's array when it is large enough, and the names and streams it
    /// introduced (<paramref name="added"/>: the table's arrays, which it never changes below those counts).
    /// </summary>
    public void Fill(string fleet, in AddedNames added, ReadOnlySpan<ReadingBatch.Item> items)
    {
        _fleet = fleet;
        _added = added;
        if (_items.Length < items.Length) _items = new ReadingBatch.Item[Room(items.Length)];
        items.CopyTo(_items);
        _count = items.Length;
    }

    public byte[] ToJson() => ReadingBatch.ToJson(_fleet, _added, _items.AsSpan(0, _count));

    // Rounded up, so that a refill usually fits a batch a little larger than the one before (a power of two at most
    // doubles what the window holds, a few hundred KB with the default window).
    private static int Room(int needed) => (int)BitOperations.RoundUpToPowerOf2((uint)needed);
}
