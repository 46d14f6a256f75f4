using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

public class RejectionLogLimiterTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly RejectionLogLimiter _limiter;

    public RejectionLogLimiterTests() =>
        _limiter = new RejectionLogLimiter(new DeadLetterOptions { LogLines = 3, LogInterval = TimeSpan.FromMinutes(1) }, _time);

    [Fact]
    public void A_flood_gets_its_lines_per_interval_per_reason_and_one_count_of_the_rest()
    {
        int lines = 0;
        for (int i = 0; i < 1000; i++)
        {
            if (_limiter.ShouldLog(RejectReason.BadJson, out long suppressed)) lines++;
            Assert.Equal(0, suppressed);
        }

        Assert.Equal(3, lines);
        // Another reason has its own budget.
        Assert.True(_limiter.ShouldLog(RejectReason.WrongType, out _));
        Assert.False(_limiter.TakeEnded(all: false, out _, out _)); // the interval is not over

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(_limiter.TakeEnded(all: false, out RejectReason reason, out long rest));
        Assert.Equal(RejectReason.BadJson, reason);
        Assert.Equal(997, rest);
        Assert.False(_limiter.TakeEnded(all: false, out _, out _)); // reported once

        // A new interval: lines again.
        Assert.True(_limiter.ShouldLog(RejectReason.BadJson, out long none));
        Assert.Equal(0, none);
    }

    [Fact]
    public void The_count_is_reported_before_the_next_line_when_nobody_asked_and_all_at_shutdown()
    {
        for (int i = 0; i < 10; i++) _limiter.ShouldLog(RejectReason.OutOfRange, out _);
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(_limiter.ShouldLog(RejectReason.OutOfRange, out long suppressed));
        Assert.Equal(7, suppressed);

        for (int i = 0; i < 5; i++) _limiter.ShouldLog(RejectReason.OutOfRange, out _);
        Assert.True(_limiter.TakeEnded(all: true, out _, out long atShutdown));
        Assert.Equal(3, atShutdown); // 1 + 5 in this interval, 3 of them logged
    }

    [Fact]
    public void Suppressed_rejections_allocate_nothing()
    {
        for (int i = 0; i < 10; i++) _limiter.ShouldLog(RejectReason.BadJson, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) _limiter.ShouldLog(RejectReason.BadJson, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
