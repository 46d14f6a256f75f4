using System.Globalization;
using Tracking.Gateway.Rules.Engine;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// The engine's identity cache of container states keeps nearly every key of a few thousand (issue 12: bench ingest's
/// gateway uses about 2,000 key string pairs; direct-mapped, a key sharing its slot with another missed at every reading).
/// </summary>
public sealed class ContainerCacheTests
{
    [Fact]
    public void Of_six_thousand_containers_remembered_nine_in_ten_are_found_each_with_its_own_state()
    {
        var cache = new ContainerCache();
        ContainerKey[] keys = [.. Enumerable.Range(0, 6000).Select(i => new ContainerKey("acme", "C" + i.ToString(CultureInfo.InvariantCulture)))];
        ContainerState[] states = [.. keys.Select(_ => new ContainerState())];
        for (int i = 0; i < keys.Length; i++) cache.Remember(keys[i], states[i]);

        int found = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (cache.Find(keys[i]) is not { } state) continue;
            Assert.Same(states[i], state);
            found++;
        }

        // Two ways in 8,192 sets keep about 94 %; one way in 16,384 slots kept about 84 %.
        Assert.True(found > 0.9 * keys.Length, $"{found} of {keys.Length} found");
        // By identity: the same text in other string objects is not found (the engine's dictionary answers those).
        Assert.Null(cache.Find(new ContainerKey(new string("acme".AsSpan()), new string("C1".AsSpan()))));
    }

    [Fact]
    public void A_container_remembered_again_takes_no_second_way_of_its_set()
    {
        var cache = new ContainerCache();
        var a = new ContainerKey("acme", "A");
        ContainerKey other = Enumerable.Range(0, 100_000).Select(i => new ContainerKey("acme", "B" + i.ToString(CultureInfo.InvariantCulture)))
            .First(k => SameSet(a, k));
        var otherState = new ContainerState();
        cache.Remember(other, otherState);
        var stateA = new ContainerState();
        cache.Remember(a, stateA);
        cache.Remember(a, stateA); // a profile refresh looks it up again: A must not push the other out of their set

        Assert.Same(otherState, cache.Find(other));
        Assert.Same(stateA, cache.Find(a));
    }

    /// <summary>Whether <paramref name="other"/> goes in <paramref name="key"/>'s set (found out on a scratch cache).</summary>
    private static bool SameSet(ContainerKey key, ContainerKey other)
    {
        var probe = new ContainerCache();
        probe.Remember(key, new ContainerState());
        probe.Remember(other, new ContainerState());
        probe.Remember(other with { Fleet = new string("x".AsSpan()) }, new ContainerState());
        return probe.Find(key) is null;
    }
}
