using System.Globalization;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One event of the stream; <see cref="Fleet"/> decides who may see it. Framed (<c>id</c>, <c>event</c>, <c>data</c>
/// lines, then a blank line) once for every client: a <c>readings</c> event when its batch closes
/// (<see cref="ReadingBatch.ToFrame"/>), any other the first time a client needs it. The frame is immutable once built,
/// so every client's writer copies from the same array and none holds a copy of its own.
/// </summary>
public sealed class StreamEvent
{
    private readonly IStreamPayload? _payload;
    private byte[]? _frame;

    public StreamEvent(long id, string type, string fleet, IStreamPayload payload, int weight = 1)
    {
        (Id, Type, Fleet, Weight) = (id, type, fleet, weight);
        _payload = payload;
    }

    /// <summary>An event framed already (<paramref name="frame"/> is the whole SSE frame, never changed after).</summary>
    internal StreamEvent(long id, string type, string fleet, byte[] frame, int weight)
    {
        (Id, Type, Fleet, Weight) = (id, type, fleet, weight);
        _frame = frame;
    }

    public long Id { get; }
    public string Type { get; }
    public string Fleet { get; }

    /// <summary>
    /// What the event counts for against the window and a client's queue: its readings for a <c>readings</c> event, else
    /// 1. Both bound memory, and a batch of 500 readings holds 500 readings' worth of it.
    /// </summary>
    public int Weight { get; }

    /// <summary>
    /// For a <c>readings</c> event, the fleet's name table its indexes refer to: a client resuming from before it gets
    /// that table's names first (<see cref="StreamHub.Subscribe"/>), even when the fleet has started a newer one since.
    /// </summary>
    internal StreamNameTable? Names { get; init; }

    /// <summary>What the frame is built from; null for an event framed when it was made.</summary>
    internal IStreamPayload? Payload => _payload;

    /// <summary>Whether <see cref="Frame"/> has been built (a batch closed with no client connected is not, until sent).</summary>
    internal bool IsFramed => Volatile.Read(ref _frame) is not null;

    /// <summary>The SSE frame; built on first use (two clients at once may both build it: the same bytes, one kept).</summary>
    public ReadOnlyMemory<byte> Frame =>
        _frame ?? Interlocked.CompareExchange(ref _frame, StreamHub.Frame(Id.ToString(CultureInfo.InvariantCulture), Type, _payload!.ToJson()), null) ?? _frame!;
}
