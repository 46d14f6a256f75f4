using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>The token bucket per tag: burst, refill, independence of tags, one report per episode, the bound.</summary>
public sealed class TagRateLimiterTests
{
    private static TagRateLimiter Limiter(ManualTimeProvider clock, double rate = 2, int burst = 5, int maxTags = 1000) =>
        new(new TagRateLimitOptions { MessagesPerSecond = rate, Burst = burst, MaxTags = maxTags }, clock);

    private static int Taken(TagRateLimiter limiter, string tag, int attempts)
    {
        int taken = 0;
        for (int i = 0; i < attempts; i++)
        {
            if (limiter.TryTake(tag, out _)) taken++;
        }

        return taken;
    }

    [Fact]
    public void A_tag_gets_its_burst_at_once_then_the_refill_rate_and_the_others_are_untouched()
    {
        var clock = new ManualTimeProvider();
        TagRateLimiter limiter = Limiter(clock);
        Assert.Equal(5, Taken(limiter, "f/C/flood", 100));
        Assert.Equal(5, Taken(limiter, "f/C/calm", 5)); // its own bucket, full

        clock.Advance(TimeSpan.FromSeconds(1.5)); // 3 tokens at 2/s
        Assert.Equal(3, Taken(limiter, "f/C/flood", 100));
        clock.Advance(TimeSpan.FromMinutes(10)); // never more than the burst
        Assert.Equal(5, Taken(limiter, "f/C/flood", 100));
    }

    [Fact]
    public void Throttling_is_reported_once_per_episode_and_the_count_of_throttled_tags_follows()
    {
        var clock = new ManualTimeProvider();
        TagRateLimiter limiter = Limiter(clock, rate: 1, burst: 1);
        Assert.True(limiter.TryTake("f/C/a", out bool started));
        Assert.False(started);
        Assert.False(limiter.TryTake("f/C/a", out started));
        Assert.True(started);
        Assert.False(limiter.TryTake("f/C/a", out started));
        Assert.False(started); // the same episode
        Assert.Equal(1, limiter.ThrottledTags);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryTake("f/C/a", out _));
        Assert.Equal(0, limiter.ThrottledTags);
        Assert.False(limiter.TryTake("f/C/a", out started));
        Assert.True(started); // a new episode
    }

    [Fact]
    public void A_flooder_that_gets_a_refilled_token_now_and_then_stays_in_one_episode()
    {
        var clock = new ManualTimeProvider();
        TagRateLimiter limiter = Limiter(clock, rate: 1, burst: 5);
        int episodes = 0;
        for (int second = 0; second < 20; second++)
        {
            for (int i = 0; i < 50; i++)
            {
                limiter.TryTake("f/C/flood", out bool started);
                if (started) episodes++;
            }

            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, episodes);
        Assert.Equal(1, limiter.ThrottledTags);
        clock.Advance(TimeSpan.FromSeconds(5)); // quiet until the bucket is full: the episode is over
        Assert.True(limiter.TryTake("f/C/flood", out _));
        Assert.Equal(0, limiter.ThrottledTags);
    }

    [Fact]
    public void Past_MaxTags_the_buckets_of_idle_tags_are_dropped_and_a_flooding_tag_keeps_its_empty_bucket()
    {
        var clock = new ManualTimeProvider();
        TagRateLimiter limiter = Limiter(clock, rate: 1, burst: 2, maxTags: 3);
        Assert.Equal(2, Taken(limiter, "f/C/flood", 50));
        limiter.TryTake("f/C/b", out _);
        limiter.TryTake("f/C/c", out _);
        clock.Advance(TimeSpan.FromSeconds(1)); // b and c are full again, the flooder has one token
        limiter.TryTake("f/C/d", out _);

        Assert.Equal(2, limiter.Tags); // flood and d
        Assert.Equal(1, Taken(limiter, "f/C/flood", 50)); // not forgiven by the pruning
    }

    [Fact]
    public void A_known_tag_is_looked_up_without_allocating()
    {
        var clock = new ManualTimeProvider();
        TagRateLimiter limiter = Limiter(clock, rate: 1000, burst: 1000);
        string topic = "tracking/v1/f/CSQU3054383/tag-1/telemetry";
        ReadOnlySpan<char> path = topic.AsSpan(12, "f/CSQU3054383/tag-1".Length);
        limiter.TryTake(path, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) limiter.TryTake(path, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(-1, 10, 10)]
    [InlineData(double.NaN, 10, 10)]
    [InlineData(double.PositiveInfinity, 10, 10)]
    [InlineData(1, 0, 10)]
    [InlineData(1, 10, 0)]
    public void Invalid_options_are_refused_with_the_key(double rate, int burst, int maxTags)
    {
        var options = new TagRateLimitOptions { MessagesPerSecond = rate, Burst = burst, MaxTags = maxTags };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.StartsWith("TagRateLimit:", error.Message, StringComparison.Ordinal);
    }
}
