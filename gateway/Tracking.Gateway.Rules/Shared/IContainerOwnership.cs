namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// Which containers this gateway's engine evaluates when several gateways share one store (README.md, "Several
/// gateways"): those of the partitions it holds the lease of. Read from any thread.
/// </summary>
public interface IContainerOwnership
{
    bool Owns(ContainerKey container);
}
