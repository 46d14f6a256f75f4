namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// The chunks a stream's window spans after a save: the store deletes the stream's other chunks (those numbered below
/// <see cref="First"/>, trimmed from the window, or above <see cref="Last"/>) in the save's transaction. An empty window
/// is <see cref="Last"/> below <see cref="First"/>: every chunk of the stream goes.
/// </summary>
public readonly record struct ChunkRange(string Tag, long First, long Last);
