namespace Tracking.Gateway.Ingest.Group;

/// <summary>What one gateway knows of another member of its shared group (from the member's retained status).</summary>
internal sealed class GroupMember(string clientId)
{
    public string ClientId { get; } = clientId;

    public bool Online { get; set; }

    /// <summary>When the status last changed, as this gateway saw it (its own clock).</summary>
    public long ChangedAt { get; set; }

    /// <summary>A takeover of this member is running.</summary>
    public bool TakingOver { get; set; }

    /// <summary>A takeover pass of this offline episode found the member's session empty: nothing more to do until it returns.</summary>
    public bool Drained { get; set; }
}
