using Tracking.Gateway.Rules.Shared;

namespace Tracking.Gateway.Rules.Tests.Shared;

public sealed class LeasePlanTests
{
    [Theory]
    [InlineData(64, 1, 64)]
    [InlineData(64, 3, 22)]
    [InlineData(64, 64, 1)]
    [InlineData(8, 100, 1)]
    [InlineData(64, 0, 64)]
    public void The_fair_share_is_the_partitions_divided_by_the_live_gateways_rounded_up(int partitions, int live, int share) =>
        Assert.Equal(share, LeasePlan.FairShare(partitions, live));

    [Fact]
    public void Free_partitions_are_tried_from_the_gateways_offset_round_the_ring() =>
        Assert.Equal([6, 7, 0, 2], LeasePlan.ToAcquire(8, 1, [1, 3, 4, 5], start: 6));

    [Fact]
    public void A_gateway_at_its_share_takes_nothing_and_one_above_it_hands_over_the_excess()
    {
        Assert.Empty(LeasePlan.ToAcquire(8, 2, [0, 1, 2, 3], start: 0));
        Assert.Equal([7, 6, 5], LeasePlan.ToRelease(8, 3, [0, 1, 2, 5, 6, 7]));
        Assert.Equal([7], LeasePlan.ToRelease(8, 2, [0, 1, 2, 5, 7]));
        Assert.Empty(LeasePlan.ToRelease(8, 3, [0, 1, 2]));
    }

    /// <summary>
    /// Gateways joining and leaving, each rebalancing in a random order as the worker does (hand over the excess, then
    /// take free partitions up to the share): after a few rounds every partition has exactly one holder and each holds
    /// at most its share.
    /// </summary>
    [Theory]
    [InlineData(64, 3, 1)]
    [InlineData(64, 5, 2)]
    [InlineData(7, 3, 3)]
    [InlineData(1, 2, 4)]
    public void Rebalancing_covers_every_partition_once_within_the_share(int partitions, int gateways, int seed)
    {
        var random = new Random(seed);
        var holder = new int?[partitions];
        var live = new List<int>();
        for (int g = 0; g < gateways; g++)
        {
            live.Add(g);
            Settle();
        }
        // One leaves (its leases end with its session), then one joins again.
        int gone = live[random.Next(live.Count)];
        live.Remove(gone);
        for (int p = 0; p < partitions; p++) if (holder[p] == gone) holder[p] = null;
        Settle();
        live.Add(gateways);
        Settle();

        void Settle()
        {
            for (int round = 0; round < 4; round++)
            {
                foreach (int g in live.OrderBy(_ => random.Next()).ToList())
                {
                    List<int> held = [.. Enumerable.Range(0, partitions).Where(p => holder[p] == g)];
                    foreach (int p in LeasePlan.ToRelease(partitions, live.Count, held)) holder[p] = null;
                    held = [.. Enumerable.Range(0, partitions).Where(p => holder[p] == g)];
                    int share = LeasePlan.FairShare(partitions, live.Count);
                    foreach (int p in LeasePlan.ToAcquire(partitions, live.Count, held, start: g * 13 % partitions).ToList())
                    {
                        if (held.Count >= share) break;
                        if (holder[p] is not null) continue; // pg_try_advisory_lock refuses: another holds it
                        holder[p] = g;
                        held.Add(p);
                    }
                }
            }
            Assert.All(holder, h => Assert.NotNull(h));
            Assert.All(live, g => Assert.InRange(holder.Count(h => h == g), 0, LeasePlan.FairShare(partitions, live.Count)));
        }
    }
}
