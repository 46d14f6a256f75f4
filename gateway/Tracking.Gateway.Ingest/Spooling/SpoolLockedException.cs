namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// The spool directory's lock (<see cref="SpoolLock"/>) is held by another open spool: a running gateway, a survivor
/// draining the directory of a dead peer, or a second gateway configured with the same directory by mistake.
/// </summary>
public sealed class SpoolLockedException(string directory, Exception inner)
    : IOException($"spool directory '{directory}' is locked by another process (a gateway running on it, or a peer adopting it)", inner)
{
    public string Directory { get; } = directory;
}
