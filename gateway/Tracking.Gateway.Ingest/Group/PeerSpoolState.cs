namespace Tracking.Gateway.Ingest.Group;

/// <summary>What one try of a peer's spool found (<see cref="PeerSpoolAdopter.TryAdoptAsync"/>).</summary>
public enum PeerSpoolState
{
    /// <summary>No such directory: the peer never ran (or its disk is not mounted here).</summary>
    Absent,

    /// <summary>Its lock is held: a gateway runs on it (or another survivor drains it).</summary>
    Alive,

    /// <summary>Its lock was free and nothing was left for this gateway's readers.</summary>
    Dead,

    /// <summary>Its lock was free and its records were drained.</summary>
    Drained,

    /// <summary>The try ended in an error (logged; tried again at the next interval).</summary>
    Failed,
}
