using System.Globalization;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One event of the stream; <see cref="Fleet"/> decides who may see it. Framed (<c>id</c>, <c>event</c>, <c>data</c>
/// lines, then a blank line) the first time a client needs it, once for every client.
/// </summary>
public sealed class StreamEvent(long id, string type, string fleet, IStreamPayload payload)
{
    private byte[]? _frame;

    public long Id { get; } = id;
    public string Type { get; } = type;
    public string Fleet { get; } = fleet;

    /// <summary>The SSE frame; built on first use (two clients at once may both build it: the same bytes, one kept).</summary>
    public ReadOnlyMemory<byte> Frame =>
        _frame ?? Interlocked.CompareExchange(ref _frame, StreamHub.Frame(Id.ToString(CultureInfo.InvariantCulture), Type, payload.ToJson()), null) ?? _frame!;
}
