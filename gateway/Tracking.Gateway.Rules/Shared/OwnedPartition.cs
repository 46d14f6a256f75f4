namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// A partition this gateway holds: its fencing epoch (raised by each takeover; a save with an older one is refused) and
/// the log position evaluated and saved so far (rows with a greater seq are still to be evaluated).
/// </summary>
public sealed record OwnedPartition(int Partition, long Epoch, long Position);
