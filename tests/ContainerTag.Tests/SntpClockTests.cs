using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>
/// SntpClock counts a sync only when it sees the time set (nanoFramework.Networking.Sntp 1.6.42 gives no completion
/// signal): a step of wall minus uptime, or the move from an implausible to a plausible time, within a bounded wait.
/// </summary>
public class SntpClockTests
{
    private const long Day = 24L * 3600 * 1000;
    private const long True = 1_764_800_000_000; // 2025-12-03
    private const long PowerOnWall = 946_684_800_000; // 2000-01-01: what an RTC that lost power may show

    [Fact]
    public void After_a_power_on_the_sync_counts_when_the_time_becomes_plausible_not_when_it_was_asked_for()
    {
        var storage = new MemoryStorage();
        var source = new FakeTimeSource(PowerOnWall) { SetAtUptimeMs = 2_400, SetToMs = True };
        var clock = new SntpClock(source, storage, coldBoot: true, Day);
        source.Run(900);

        clock.BeginSync();
        Assert.False(clock.IsSynced);
        source.Run(1_000);
        Assert.False(clock.IsSynced);
        Assert.Equal(long.MinValue, clock.LastSyncMs);

        source.Run(1_000); // the reply came at uptime 2.4 s
        Assert.True(clock.IsSynced);
        Assert.Equal(True + 500, clock.LastSyncMs);
        Assert.False(clock.ResyncDue);
        Assert.True(new SntpClock(source, storage, coldBoot: false, Day).IsSynced);
    }

    [Fact]
    public void A_daily_resync_counts_when_the_clock_steps_within_the_wait_and_records_that_time()
    {
        var storage = new MemoryStorage();
        new ClockSyncState(storage, coldBoot: true, Day).MarkSynced(True - Day);
        // the RTC ran 1.2 s fast over the day; the reply arrives 700 ms after the request
        var source = new FakeTimeSource(True + 1_200) { SetAtUptimeMs = 700, SetToMs = True + 700 };
        var clock = new SntpClock(source, storage, coldBoot: false, Day);
        Assert.True(clock.IsSynced);
        Assert.True(clock.ResyncDue);

        clock.BeginSync();
        Assert.False(clock.Poll());
        Assert.True(clock.WaitForSync(15_000));

        Assert.Equal(True + 700, clock.LastSyncMs);
        Assert.InRange(source.UptimeMs, 700, 700 + SntpClock.PollMs);
        Assert.False(clock.ResyncDue);
        Assert.Equal(True + 700, new ClockSyncState(storage, coldBoot: false, Day).LastSyncMs);
    }

    [Fact]
    public void A_resync_not_seen_within_the_wait_leaves_the_last_sync_and_stays_due()
    {
        var storage = new MemoryStorage();
        new ClockSyncState(storage, coldBoot: true, Day).MarkSynced(True - Day);
        var source = new FakeTimeSource(True); // no reply
        var clock = new SntpClock(source, storage, coldBoot: false, Day);

        clock.BeginSync();
        Assert.False(clock.WaitForSync(15_000));

        Assert.Equal(15_000, source.UptimeMs); // bounded: from BeginSync, not from the call
        Assert.False(clock.Watching);
        Assert.True(clock.IsSynced); // it was synced in this boot: that stays until the next cold boot
        Assert.Equal(True - Day, clock.LastSyncMs);
        Assert.True(clock.ResyncDue);
        Assert.Equal(True - Day, new ClockSyncState(storage, coldBoot: false, Day).LastSyncMs);
        // a late set after the wait was given up is not taken for a sync
        source.SetAtUptimeMs = 16_000;
        source.SetToMs = True + 20_000;
        source.Run(2_000);
        Assert.Equal(True - Day, clock.LastSyncMs);
    }

    [Fact]
    public void A_power_on_with_no_reply_stays_unsynced_and_the_wait_ends_at_its_bound()
    {
        var storage = new MemoryStorage();
        var source = new FakeTimeSource(PowerOnWall);
        var clock = new SntpClock(source, storage, coldBoot: true, Day);
        clock.BeginSync();
        source.Run(3_000);

        Assert.False(clock.WaitForSync(10_000));
        Assert.Equal(10_000, source.UptimeMs);
        Assert.False(clock.IsSynced);
        Assert.True(clock.ResyncDue);
    }

    [Fact]
    public void A_set_to_an_implausible_time_is_not_a_sync()
    {
        var source = new FakeTimeSource(PowerOnWall) { SetAtUptimeMs = 100, SetToMs = PowerOnWall + 86_400_000 };
        var clock = new SntpClock(source, new MemoryStorage(), coldBoot: true, Day);
        clock.BeginSync();

        Assert.False(clock.WaitForSync(1_000));
        Assert.False(clock.IsSynced);
    }

    [Fact]
    public void Time_passing_without_a_set_is_not_a_step()
    {
        var storage = new MemoryStorage();
        new ClockSyncState(storage, coldBoot: true, Day).MarkSynced(True - Day);
        var source = new FakeTimeSource(True);
        var clock = new SntpClock(source, storage, coldBoot: false, Day);
        clock.BeginSync();
        source.Run(5_000);
        Assert.False(clock.Poll());

        // a stall between the reads of one pair (a collection, a thread switch) is read again, not taken for a step
        source.StallReads = 1;
        Assert.False(clock.Poll());
        Assert.True(clock.Watching);
    }

    [Fact]
    public void A_set_within_the_read_noise_is_not_seen_and_the_resync_stays_due()
    {
        var storage = new MemoryStorage();
        new ClockSyncState(storage, coldBoot: true, Day).MarkSynced(True - Day);
        var source = new FakeTimeSource(True) { SetAtUptimeMs = 500, SetToMs = True + 500 + SntpClock.MinStepMs - 1 };
        var clock = new SntpClock(source, storage, coldBoot: false, Day);
        clock.BeginSync();

        Assert.False(clock.WaitForSync(2_000));
        Assert.True(clock.ResyncDue);
    }

    [Fact]
    public void Not_watching_the_wait_returns_at_once()
    {
        var source = new FakeTimeSource(True);
        var clock = new SntpClock(source, new MemoryStorage(), coldBoot: true, Day);
        Assert.False(clock.WaitForSync(15_000));
        Assert.Equal(0, source.Pauses);
        Assert.Equal(0, source.UptimeMs);
    }
}
