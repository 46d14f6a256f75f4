using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Clock;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Clock;

/// <summary>
/// The gateway's clock: the inner clock's time of day plus an offset that steps while it runs; the monotonic timestamp and
/// timers are the inner clock's, as with a stepped system clock.
/// </summary>
public sealed class GatewayClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_time_of_day_is_the_inner_clock_plus_the_offset_and_steps_with_it()
    {
        var inner = new ManualTimeProvider(Start);
        var clock = new GatewayClock(inner, TimeSpan.FromMinutes(5), NullLogger<GatewayClock>.Instance);
        Assert.Equal(Start.AddMinutes(5), clock.GetUtcNow());

        Assert.True(clock.SetOffset(TimeSpan.FromHours(1)));
        Assert.Equal(Start.AddHours(1), clock.GetUtcNow());
        inner.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Start.AddHours(1).AddSeconds(10), clock.GetUtcNow());

        Assert.True(clock.SetOffset(TimeSpan.FromHours(-1))); // two hours back
        Assert.Equal(Start.AddHours(-1).AddSeconds(10), clock.GetUtcNow());
        Assert.False(clock.SetOffset(TimeSpan.FromHours(-1))); // no change, no step
    }

    [Fact]
    public void A_step_moves_neither_the_monotonic_timestamp_nor_the_timers()
    {
        var inner = new ManualTimeProvider(Start);
        var clock = new GatewayClock(inner, TimeSpan.Zero, NullLogger<GatewayClock>.Instance);
        long before = clock.GetTimestamp();
        int fired = 0;
        using ITimer timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMinutes(1), Timeout.InfiniteTimeSpan);

        clock.SetOffset(TimeSpan.FromHours(3));
        Assert.Equal(before, clock.GetTimestamp());
        Assert.Equal(TimeSpan.Zero, clock.GetElapsedTime(before));
        Assert.Equal(0, fired); // three hours "later" by the time of day, but no time has passed

        inner.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, fired);
        inner.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);
        Assert.Equal(TimeSpan.FromMinutes(1), clock.GetElapsedTime(before));
        Assert.Equal(inner.TimestampFrequency, clock.TimestampFrequency);
    }

    [Theory]
    [InlineData(367 * 24.0)]
    [InlineData(-367 * 24.0)]
    public void An_offset_beyond_a_year_is_refused_and_the_clock_stays(double hours)
    {
        var clock = new GatewayClock(new ManualTimeProvider(Start), TimeSpan.FromHours(1), NullLogger<GatewayClock>.Instance);
        Assert.False(clock.SetOffset(TimeSpan.FromHours(hours)));
        Assert.Equal(TimeSpan.FromHours(1), clock.Offset);
        Assert.Throws<ArgumentException>(() => new ClockOptions { Offset = TimeSpan.FromHours(hours) }.Validate());
        new ClockOptions { Offset = ClockOptions.MaxOffset }.Validate();
        new ClockOptions { Offset = -ClockOptions.MaxOffset }.Validate();
    }

    [Fact]
    public void Reload_reads_the_section_and_refuses_what_is_not_a_time_span()
    {
        IConfigurationRoot config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Clock:Offset"] = "00:00:00" }).Build();
        var clock = new GatewayClock(new ManualTimeProvider(Start), TimeSpan.Zero, NullLogger<GatewayClock>.Instance);
        IConfigurationSection section = config.GetSection(ClockOptions.SectionName);

        config["Clock:Offset"] = "-01:30:00";
        Assert.True(clock.Reload(section));
        Assert.Equal(TimeSpan.FromMinutes(-90), clock.Offset);

        config["Clock:Offset"] = "an hour";
        Assert.False(clock.Reload(section));
        Assert.Equal(TimeSpan.FromMinutes(-90), clock.Offset);

        config["Clock:Offset"] = null; // removed: back to the machine's clock
        Assert.True(clock.Reload(section));
        Assert.Equal(TimeSpan.Zero, clock.Offset);
    }
}
