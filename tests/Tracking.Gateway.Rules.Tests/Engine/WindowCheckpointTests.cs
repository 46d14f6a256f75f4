using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// A window at its reading limit is trimmed by one reading per reading, so each new reading lands at the same index.
/// Checkpoints (a state clone each, with MKT buckets about 2.5 KB) must still come one per CheckpointEvery readings:
/// keyed to multiples of the index, a window of a multiple of CheckpointEvery readings cloned the state at every reading
/// and kept every clone (20 us and 5 KB per reading in bench rules at one reading per second, up to 2.5 MB of clones per tag).
/// </summary>
public sealed class WindowCheckpointTests
{
    private static readonly Profile WithMkt = ProfilePresets.ChilledProduce with { Name = "mkt", MktLimitC = 8, MktWindow = TimeSpan.FromHours(24) };

    [Fact]
    public async Task A_full_window_costs_the_same_per_reading_whether_or_not_its_size_is_a_multiple_of_the_checkpoint_spacing()
    {
        double multiple = await AllocatedPerReadingAsync(windowReadings: 64);
        double other = await AllocatedPerReadingAsync(windowReadings: 70);

        // One clone per 16 readings either way (about 160 B per reading); at the multiple it was one per reading (2.5 KB).
        Assert.True(multiple < other + 1_000, $"{multiple:0} B per reading at 64 readings, {other:0} B at 70");
    }

    /// <summary>Bytes this thread allocates per reading once the window is full (a profile with MKT: 2.5 KB per state clone).</summary>
    private static async Task<double> AllocatedPerReadingAsync(int windowReadings)
    {
        var rig = new Rig(WithMkt, options: new RulesOptions { WindowReadings = windowReadings }, checkpointEvery: 16);
        // As the gateway's feed calls it: states saved apart (a save writes the window, which is not what this measures).
        for (uint seq = 0; seq < 300; seq++) await rig.Engine.ProcessAsync([R(seq, 3 + (seq % 5 * 0.5))], saveState: false);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint seq = 300; seq < 500; seq++)
        {
            // The in-memory store answers at once: the whole call runs on this thread, so its allocations are counted here.
            Task fed = rig.Engine.ProcessAsync([R(seq, 3 + (seq % 5 * 0.5))], saveState: false);
            Assert.True(fed.IsCompletedSuccessfully);
        }
        double perReading = (GC.GetAllocatedBytesForCurrentThread() - before) / 200.0;

        // Every reading was evaluated, whatever the window kept.
        Assert.Equal(Ms(499 * 5.0), (await rig.Summary()).LastReading!.Value.ToUnixTimeMilliseconds());
        return perReading;
    }

    [Fact]
    public async Task Late_data_in_a_full_window_is_evaluated_from_a_checkpoint_to_the_same_result_as_in_order()
    {
        // The same readings in order and with a stretch held back until later: the same excursions either way.
        double Temp(uint seq) => seq is >= 380 and < 392 ? 9.5 : 4;
        var inOrder = new Rig(Rig.OneBand(Rig.Upper(8, delayMin: 30)), options: new RulesOptions { WindowReadings = 64 }, checkpointEvery: 16);
        var late = new Rig(Rig.OneBand(Rig.Upper(8, delayMin: 30)), options: new RulesOptions { WindowReadings = 64 }, checkpointEvery: 16);
        for (uint seq = 0; seq < 420; seq++) await inOrder.Feed(R(seq, Temp(seq)));
        for (uint seq = 0; seq < 420; seq++)
        {
            if (seq is >= 375 and < 395) continue;
            await late.Feed(R(seq, Temp(seq)));
        }
        await late.Feed([.. Enumerable.Range(375, 20).Select(s => R((uint)s, Temp((uint)s)))]);

        Assert.Equal(Describe(await inOrder.Excursions()), Describe(await late.Excursions()));
        Assert.Single(await inOrder.Excursions());
    }

    private static string[] Describe(IEnumerable<Excursion> excursions) =>
        [.. excursions.Select(e => FormattableString.Invariant($"{e.Band} {e.Start:O}-{e.End:O} peak {e.Peak}"))];
}
