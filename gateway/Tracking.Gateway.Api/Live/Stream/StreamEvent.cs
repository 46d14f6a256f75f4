namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One event of the stream, framed once for every client (<c>id</c>, <c>event</c>, <c>data</c> lines, then a blank line);
/// <see cref="Fleet"/> decides who may see it.
/// </summary>
public sealed record StreamEvent(long Id, string Type, string Fleet, ReadOnlyMemory<byte> Frame);
