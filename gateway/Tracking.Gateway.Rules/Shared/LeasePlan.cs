namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// How many partitions a gateway should hold, which to try first and which to hand over: pure, so it is tested alone.
/// Each of <c>live</c> gateways holds at most its fair share, ceil(partitions / live); together they cover every
/// partition (share x live >= partitions), and a gateway that joins gets partitions as the others hand over the ones
/// above their share.
/// </summary>
public static class LeasePlan
{
    public static int FairShare(int partitions, int live) => live <= 0 ? partitions : (partitions + live - 1) / live;

    /// <summary>
    /// The partitions not held, in the order to try them: starting at <paramref name="start"/> (a per-gateway offset, so
    /// gateways starting together try different partitions first) and wrapping round; empty when the share is reached.
    /// </summary>
    public static IEnumerable<int> ToAcquire(int partitions, int live, IReadOnlyCollection<int> held, int start)
    {
        if (held.Count >= FairShare(partitions, live)) yield break;
        var owned = held as ISet<int> ?? new HashSet<int>(held);
        for (int i = 0; i < partitions; i++)
        {
            int p = (int)(((long)start + i) % partitions);
            if (!owned.Contains(p)) yield return p;
        }
    }

    /// <summary>The partitions to hand over: those above the fair share, the highest first (any choice is correct).</summary>
    public static IReadOnlyList<int> ToRelease(int partitions, int live, IReadOnlyCollection<int> held)
    {
        int excess = held.Count - FairShare(partitions, live);
        return excess <= 0 ? [] : [.. held.OrderDescending().Take(excess)];
    }
}
