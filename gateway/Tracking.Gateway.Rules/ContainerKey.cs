namespace Tracking.Gateway.Rules;

/// <summary>A container as the rules know it: its fleet and its ISO 6346 number (docs/protocol.md section 2).</summary>
public readonly record struct ContainerKey(string Fleet, string Container)
{
    /// <summary>The container of a fleet's default assignment (<c>IRuleStore.AssignProfileAsync</c>): never a valid container id.</summary>
    public const string FleetDefault = "*";

    /// <summary>The key under which <paramref name="fleet"/>'s default profile is assigned.</summary>
    public static ContainerKey DefaultOf(string fleet) => new(fleet, FleetDefault);

    /// <summary>Whether this is a fleet's default rather than a container.</summary>
    public bool IsFleetDefault => Container == FleetDefault;

    public override string ToString() => $"{Fleet}/{Container}";
}
