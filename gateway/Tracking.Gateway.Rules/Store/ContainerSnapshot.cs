namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// One container's evaluation state as the engine saves it (<see cref="IRuleStore.SaveStatesAsync"/>): the snapshot
/// (replacing the previous one) and, for its streams' windows, the chunks that changed since the previous save
/// (<see cref="Chunks"/>, each replacing the stored chunk of its tag and number) and the chunk ranges the windows span
/// now (<see cref="Ranges"/>: chunks of those tags outside them are deleted). Unnamed chunks stay as they are, so a save
/// after a few new readings writes a chunk or two, not the windows (issue 12).
/// </summary>
public readonly record struct ContainerSnapshot(ContainerKey Container, ReadOnlyMemory<byte> State)
{
    public ReadOnlyMemory<WindowChunk> Chunks { get; init; }

    public ReadOnlyMemory<ChunkRange> Ranges { get; init; }
}
