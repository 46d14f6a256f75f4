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

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 5; round++)
        {
            foreach (byte[] topic in topics) cache.GetOrAdd(topic);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A miss costs a string and a byte array (about 200 B). Direct-mapped, about a fifth of these topics shared a slot and
        // missed every time (200 KB here); with two ways only a set that three of them hash to (the hash is seeded per
        // process: a few such sets at most) keeps missing.
        Assert.True(allocated < 20_000, $"{allocated} B allocated for 5,000 lookups of topics seen before ({cache.Misses} misses)");
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
