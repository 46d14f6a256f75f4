using System.Globalization;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One event of the stream; <see cref="Fleet"/> decides who may see it. Framed (<c>id</c>, <c>event</c>, <c>data</c>
/// lines, then a blank line) the first time a client needs it, once for every client.
/// </summary>
public sealed class StreamEvent(long id, string type, string fleet, IStreamPayload payload, int weight = 1)
{
    private byte[]? _frame;

    public long Id { get; } = id;
    public string Type { get; } = type;
    public string Fleet { get; } = fleet;

    /// <summary>
    /// What the event counts for against the window and a client's queue: its readings for a <c>readings</c> event, else
    /// 1. Both bound memory, and a batch of 500 readings holds 500 readings' worth of it.
    /// </summary>
    public int Weight { get; } = weight;

    /// <summary>The SSE frame; built on first use (two clients at once may both build it: the same bytes, one kept).</summary>
    public ReadOnlyMemory<byte> Frame =>
        _frame ?? Interlocked.CompareExchange(ref _frame, StreamHub.Frame(Id.ToString(CultureInfo.InvariantCulture), Type, payload.ToJson()), null) ?? _frame!;
}
