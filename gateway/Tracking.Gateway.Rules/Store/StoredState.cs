namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// What <see cref="IRuleStore.LoadStateAsync"/> reads back for a container: its last snapshot and every window chunk
/// stored for it, both as one save left them (read together, never a snapshot of one save with chunks of another).
/// </summary>
public sealed record StoredState(byte[] State, IReadOnlyList<WindowChunk> Chunks);
