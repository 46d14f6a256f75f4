using ContainerTag.Core.Hardware;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>The device clock's synced flag survives deep sleep through storage and ends at a cold boot.</summary>
public class ClockSyncStateTests
{
    private const long Day = 24L * 3600 * 1000;
    private const long T = 1_732_600_000_000;

    [Fact]
    public void Synced_survives_deep_sleep_wakes_and_a_cold_boot_clears_it()
    {
        var storage = new MemoryStorage();
        var first = new ClockSyncState(storage, coldBoot: true, Day);
        Assert.False(first.IsSynced);
        first.MarkSynced(T);

        var afterSleep = new ClockSyncState(storage, coldBoot: false, Day);
        Assert.True(afterSleep.IsSynced);
        Assert.Equal(T, afterSleep.LastSyncMs);

        var afterPowerOn = new ClockSyncState(storage, coldBoot: true, Day);
        Assert.False(afterPowerOn.IsSynced);
        Assert.False(new ClockSyncState(storage, coldBoot: false, Day).IsSynced);
    }

    [Fact]
    public void Resync_is_due_when_never_synced_and_again_one_interval_after_the_last_sync()
    {
        var storage = new MemoryStorage();
        var s = new ClockSyncState(storage, coldBoot: true, Day);
        Assert.True(s.ResyncDue(T));
        s.MarkSynced(T);
        Assert.False(s.ResyncDue(T + Day - 1));
        Assert.True(s.ResyncDue(T + Day));
        // the clock stepped back before the last sync: distrust it and re-sync
        Assert.True(s.ResyncDue(T - 1));

        var next = new ClockSyncState(storage, coldBoot: false, Day);
        Assert.False(next.ResyncDue(T + 1000));
        next.MarkSynced(T + Day);
        Assert.False(new ClockSyncState(storage, coldBoot: false, Day).ResyncDue(T + Day + 1000));
    }

    [Fact]
    public void A_wrong_sized_file_reads_as_not_synced()
    {
        var storage = new MemoryStorage();
        storage.Write(ClockSyncState.FileName, [1, 2, 3], 0, 3);
        Assert.False(new ClockSyncState(storage, coldBoot: false, Day).IsSynced);
    }
}
