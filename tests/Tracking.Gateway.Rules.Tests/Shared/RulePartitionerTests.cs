using FsCheck;
using FsCheck.Xunit;
using Tracking.Gateway.Rules.Shared;

namespace Tracking.Gateway.Rules.Tests.Shared;

public sealed class RulePartitionerTests
{
    [Theory]
    // FNV-1a 32 of the UTF-8 "fleet/container", computed independently (Python): every gateway, every version, must agree.
    [InlineData("acme", "CSQU3054383", 694594054u, 6)]
    [InlineData("", "", 705468254u, 30)]
    [InlineData("fleet-ä", "MSCU1234565", 666481848u, 56)]
    public void The_hash_is_FNV_1a_of_fleet_slash_container(string fleet, string container, uint hash, int partitionOf64)
    {
        Assert.Equal(hash, RulePartitioner.Hash(new ContainerKey(fleet, container)));
        Assert.Equal(partitionOf64, RulePartitioner.PartitionOf(new ContainerKey(fleet, container), 64));
    }

    [Fact]
    public void The_separator_keeps_fleet_and_container_apart() =>
        Assert.NotEqual(RulePartitioner.Hash(new ContainerKey("ab", "c")), RulePartitioner.Hash(new ContainerKey("a", "bc")));

    [Property(MaxTest = 300)]
    public bool Every_container_lands_in_a_partition_in_range(NonNull<string> fleet, NonNull<string> container, PositiveInt partitions)
    {
        int n = Math.Min(partitions.Get, 4096);
        int p = RulePartitioner.PartitionOf(new ContainerKey(fleet.Get, container.Get), n);
        return p >= 0 && p < n && p == RulePartitioner.PartitionOf(new ContainerKey(fleet.Get, container.Get), n);
    }

    [Fact]
    public void Containers_spread_evenly_over_the_partitions()
    {
        // 12,800 ISO-like container numbers over 64 partitions: 200 each on average.
        var counts = new int[64];
        for (int i = 0; i < 12_800; i++) counts[RulePartitioner.PartitionOf(new ContainerKey("acme", $"CSQU{i:D7}"), 64)]++;
        Assert.All(counts, c => Assert.InRange(c, 140, 260));
    }

    [Fact]
    public void A_partition_count_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RulePartitioner.PartitionOf(new ContainerKey("a", "b"), 0));
}
