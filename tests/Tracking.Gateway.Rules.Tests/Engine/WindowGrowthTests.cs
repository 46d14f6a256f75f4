using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// A window's list grows to what the window holds at the tag's interval, not to the next power of two (issue 12): at one
/// reading per second a window reaches the reading limit (1,024), and its list doubled to 2,048 readings at the 1,025th
/// reading (64 KB per tag, half of it never used).
/// </summary>
public sealed class WindowGrowthTests
{
    private static RuleInput Second(uint seq) => RuleInput.Reading(Box, Tag, 1, seq, T0.ToUnixTimeMilliseconds() + (seq * 1000L), 5, double.NaN);

    [Fact]
    public async Task A_window_reaching_the_reading_limit_grows_to_the_limit_and_an_eighth_not_to_twice_the_limit()
    {
        var rig = new Rig(OneBand(Upper(8)), options: new RulesOptions { WindowReadings = 1024 });
        long[] allocated = await AllocatedAsync(rig, 0, 500, 600, 1000, 1100, 1200);

        // Readings 500-599: the window's last growth (1,153 readings of 32 bytes, 37 KB; doubled it was 1,024, 33 KB).
        // Readings 1,000-1,099: none (doubled, 2,048 readings at the 1,025th: 66 KB). Readings 1,100-1,199: none either
        // way, the cost of a call, which is what the other two are compared with.
        long call = allocated[4];
        Assert.InRange(allocated[1] - call, 1153 * 32, 45_000);
        Assert.InRange(allocated[3] - call, -5_000, 5_000);
        Assert.Equal(T0.ToUnixTimeMilliseconds() + 1_199_000, (await rig.Summary()).LastReading!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task A_window_bounded_by_its_span_grows_to_the_readings_the_span_holds()
    {
        // A 10-minute window at one reading per second holds 601 readings: doubled, its list went to 1,024 at the 513th.
        var rig = new Rig(OneBand(Upper(8)), options: new RulesOptions { WindowReadings = 1024, WindowSpan = TimeSpan.FromMinutes(10) });
        long[] allocated = await AllocatedAsync(rig, 0, 500, 600, 700);

        // 601 + 75 + 1 readings of 32 bytes (22 KB) against 1,024 (33 KB); readings 600-699 the cost of calls alone.
        Assert.InRange(allocated[1] - allocated[2], 677 * 32, 27_000);
    }

    /// <summary>
    /// Feeds one reading per call, one per second, as the gateway's feed calls (states saved apart), and returns what this
    /// thread allocated between each pair of <paramref name="bounds"/> (the first stretch's readings included).
    /// </summary>
    private static async Task<long[]> AllocatedAsync(Rig rig, params uint[] bounds)
    {
        var allocated = new long[bounds.Length - 1];
        for (int i = 0; i < allocated.Length; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (uint seq = bounds[i]; seq < bounds[i + 1]; seq++)
            {
                // The in-memory store answers at once: the whole call runs on this thread, so its allocations are counted here.
                Task fed = rig.Engine.ProcessAsync([Second(seq)], saveState: false);
                Assert.True(fed.IsCompletedSuccessfully);
                await fed;
            }
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return allocated;
    }
}
