namespace Tracking.Gateway.Rules.Store;

/// <summary>One row of the assignments: a container's own profile, or a fleet's default (<see cref="ContainerKey.FleetDefault"/>).</summary>
public sealed record ProfileAssignment(ContainerKey Container, string Profile);
