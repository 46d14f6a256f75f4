using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// A window grows a chunk of 64 readings at a time and a full one allocates nothing per reading (issue 12): as a list it
/// doubled while young (bench ingest's windows went from 128 to 256 readings, about 80 bytes a message with the copy),
/// and at one reading per second it reached the reading limit (1,024) by growing to 1,153 readings, 37 KB copied at once.
/// Now the chunks a trim gives back are the engine's, for the next chunk any window starts.
/// </summary>
public sealed class WindowGrowthTests
{
    // A chunk: 64 readings of 32 bytes and the array's header.
    private const int Chunk = (64 * 32) + 24;

    private static RuleInput Second(uint seq) => RuleInput.Reading(Box, Tag, 1, seq, T0.ToUnixTimeMilliseconds() + (seq * 1000L), 5, double.NaN);

    /// <summary>Checkpoints (a state clone each) only every 100,000 readings: what is measured here is the window.</summary>
    private static Rig NewRig(RulesOptions options) => new(OneBand(Upper(8)), options: options, checkpointEvery: 100_000);

    [Fact]
    public async Task A_young_window_grows_a_chunk_at_a_time_without_copying_itself()
    {
        Rig rig = NewRig(new RulesOptions { WindowReadings = 1024 });
        long[] allocated = await AllocatedAsync(rig, 0, 1, 64, 1024);

        // Readings 1-63 fill the first chunk: what a call costs. Readings 64-1,023 take 15 chunks (31 KB) and the
        // chunks' reference array grows twice; as a list the window was copied to 128, 256, 512 and 1,153 readings (65 KB).
        double call = allocated[1] / 63.0;
        double window = allocated[2] - (call * 960);
        Assert.InRange(window, 15 * Chunk, (15 * Chunk) + 1_000);
    }

    [Theory]
    [InlineData(1024, 24 * 60)] // at the reading limit: the oldest eighth (two chunks) goes every 128 readings
    [InlineData(100_000, 10)] // a 10-minute window at one reading per second (601 readings): one reading goes per reading
    public async Task A_full_window_takes_its_new_chunks_from_those_it_gave_back(int windowReadings, int spanMinutes)
    {
        Rig rig = NewRig(new RulesOptions { WindowReadings = windowReadings, WindowSpan = TimeSpan.FromMinutes(spanMinutes) });
        long[] allocated = await AllocatedAsync(rig, 0, 1, 64, 1200, 2224);

        // Readings 1,200-2,223 start 16 chunks: all from the pool (34 KB with a new chunk each).
        double call = allocated[1] / 63.0;
        Assert.InRange(allocated[3] - (call * 1024), -1_000, 1_000);
        Assert.Equal(T0.ToUnixTimeMilliseconds() + 2_223_000, (await rig.Summary()).LastReading!.Value.ToUnixTimeMilliseconds());
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
