namespace Tracking.Retry.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Every_delay_lies_between_half_the_ceiling_and_the_ceiling()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8), new Random(1));
        for (int round = 0; round < 200; round++)
        {
            Assert.InRange(backoff.Delay(1).TotalSeconds, 0.5, 1);
            Assert.InRange(backoff.Delay(2).TotalSeconds, 1, 2);
            Assert.InRange(backoff.Delay(3).TotalSeconds, 2, 4);
            Assert.InRange(backoff.Delay(4).TotalSeconds, 4, 8);
        }
    }

    [Fact]
    public void The_ceiling_doubles_per_failure_until_the_cap()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Ceiling(1));
        Assert.Equal(TimeSpan.FromMilliseconds(400), backoff.Ceiling(2));
        Assert.Equal(TimeSpan.FromMilliseconds(25_600), backoff.Ceiling(8));
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Ceiling(9));
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Ceiling(int.MaxValue)); // no overflow
        for (int round = 0; round < 100; round++) Assert.InRange(backoff.Delay(1000).TotalSeconds, 15, 30);
    }

    [Fact]
    public void A_seeded_random_repeats_the_sequence_and_the_delays_are_jittered()
    {
        var a = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), new Random(7));
        var b = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), new Random(7));
        TimeSpan[] first = [.. Enumerable.Range(1, 10).Select(a.Delay)];
        Assert.Equal(first, Enumerable.Range(1, 10).Select(b.Delay));
        Assert.NotEqual(a.Delay(5), a.Delay(5)); // equal only with probability ~0
    }

    [Fact]
    public void Bad_bounds_and_attempts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, TimeSpan.Zero).Delay(0));
        Assert.Equal(TimeSpan.Zero, new Backoff(TimeSpan.Zero, TimeSpan.Zero).Delay(3));
    }
}
