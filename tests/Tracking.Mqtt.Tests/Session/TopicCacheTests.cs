using System.Text;
using Tracking.Mqtt.Session;

namespace Tracking.Mqtt.Tests.Session;

/// <summary>
/// The receive loop's topic strings (issue 11: no per-message allocation on hot paths): a fleet's topics, published in
/// turn, are decoded once each, not again whenever two of them happen to hash alike.
/// </summary>
public class TopicCacheTests
{
    [Fact]
    public void A_fleet_of_a_thousand_topics_published_in_turn_allocates_nothing_once_seen()
    {
        // bench ingest's shape: 1,000 containers, one tag each, every one publishing in turn.
        byte[][] topics = [.. Enumerable.Range(0, 1_000).Select(i => Encoding.UTF8.GetBytes($"tracking/v1/single1/CSQU{i:D6}1/tag-1/telemetry"))];
        var cache = new TopicCache();
        foreach (byte[] topic in topics) cache.GetOrAdd(topic);

        long missesWhenSeen = cache.Misses;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 5; round++)
        {
            foreach (byte[] topic in topics) cache.GetOrAdd(topic);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Two ways: only the topics of a set that three or more of them hash to keep missing (published in turn, each
        // evicts the least recently used), every round. The hash is seeded per process, so which sets those are (a few
        // at most) is counted here rather than assumed. Direct-mapped, every topic sharing a set with another missed: about
        // a fifth of them, 200 KB here.
        int crowded = topics.GroupBy(t => cache.SetOf(t)).Where(g => g.Count() >= 3).Sum(g => g.Count());
        Assert.Equal(5L * crowded, cache.Misses - missesWhenSeen);
        // A miss costs a string and a byte array (about 200 B); a hit nothing.
        Assert.True(allocated <= (300L * crowded * 5) + 1024, $"{allocated} B allocated for 5,000 lookups of topics seen before ({cache.Misses - missesWhenSeen} misses)");
    }

    [Fact]
    public void A_set_keeps_its_two_most_recently_used_topics()
    {
        var cache = new TopicCache(capacity: 2); // one set: every topic competes for the same two ways
        byte[] a = "t/a"u8.ToArray(), b = "t/b"u8.ToArray(), c = "t/c"u8.ToArray();

        string first = cache.GetOrAdd(a);
        cache.GetOrAdd(b);
        Assert.Same(first, cache.GetOrAdd(a)); // both held, and a is now the more recent
        cache.GetOrAdd(c);                     // evicts b, the least recently used
        Assert.Same(first, cache.GetOrAdd(a));
        Assert.Equal(3, cache.Misses);
        Assert.Equal("t/b", cache.GetOrAdd(b));
        Assert.Equal(4, cache.Misses);
        Assert.Equal("t/c", cache.GetOrAdd(c)); // b pushed out c (a was used after c)
        Assert.Equal(5, cache.Misses);
    }
}
