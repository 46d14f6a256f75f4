namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// One piece of a stream's window of readings, as the engine saves it beside the container's snapshot (issue 12): the
/// readings numbered <see cref="Number"/> times the chunk size and on, of the stream <see cref="Tag"/>, in the engine's
/// encoding (<c>Engine/SnapshotCodec</c>). A save writes only the chunks that changed since the previous save.
/// </summary>
public readonly record struct WindowChunk(string Tag, long Number, ReadOnlyMemory<byte> Samples);
