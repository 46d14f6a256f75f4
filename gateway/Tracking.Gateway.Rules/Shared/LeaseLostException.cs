namespace Tracking.Gateway.Rules.Shared;

/// <summary>A save found that another gateway took over a partition: nothing of it was written; this gateway lets it go.</summary>
public sealed class LeaseLostException(int partition)
    : Exception($"the lease of rules partition {partition} was taken over by another gateway")
{
    public int Partition { get; } = partition;
}
