using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// What a container's first reading costs beyond a known container's reading (issue 12: in bench ingest every container
/// is new, so this is paid once per hundred readings). Its states, trend rings and window are its own, but its profile's
/// JSON is the profile's: a fleet on one profile wrote it again for each new container (1.4 KB and a serialization), and
/// its states hold no MKT buckets before their first interval.
/// </summary>
public sealed class NewContainerCostTests
{
    [Fact]
    public async Task A_new_container_does_not_write_its_profile_again_when_another_container_has_the_same_profile_object()
    {
        var rig = new Rig(options: new RulesOptions { DefaultProfile = "pharma_2_8" });
        RuleInput In(int container, uint seq) =>
            RuleInput.Reading(new ContainerKey("acme", "C" + container.ToString(System.Globalization.CultureInfo.InvariantCulture)), Tag, 1, seq, Ms(seq * 5.0), 5, 50);
        RuleInput[][] first = [.. Enumerable.Range(0, 200).Select(c => new[] { In(c, 0) })];
        RuleInput[][] second = [.. Enumerable.Range(0, 200).Select(c => new[] { In(c, 1) })];
        RuleInput[][] third = [.. Enumerable.Range(0, 200).Select(c => new[] { In(c, 2) })];
        for (int c = 0; c < 100; c++)
        {
            await rig.Engine.ProcessAsync(first[c], saveState: false);
            await rig.Engine.ProcessAsync(second[c], saveState: false);
            await rig.Engine.ProcessAsync(third[c], saveState: false);
        }

        long newOnes = await AllocatedAsync(rig, first[100..]);
        // The second reading adds the first interval (the MKT buckets of the state after the window); the third is
        // what a known container's reading costs.
        await AllocatedAsync(rig, second[100..]);
        long knownOnes = await AllocatedAsync(rig, third[100..]);

        // Beyond a known container's reading, a new one's states, trend rings (2 KB), window (its first chunk of 64
        // readings, 2 KB), dictionaries and profile look-up: about 7.9 KB per container here (a Debug build). 2.3 KB more
        // with its profile's JSON written again, 6.9 KB more with MKT buckets (2.3 KB) in every state made for it before
        // its first interval.
        double perContainer = (newOnes - knownOnes) / 100.0;
        Assert.True(perContainer < 9_000, $"{perContainer:0} B per new container");
        // Evaluated under the profile all the same.
        StreamSummary last = (await rig.Engine.SummaryAsync(new ContainerKey("acme", "C199"))).Single();
        Assert.Equal(Ms(10), last.LastReading!.Value.ToUnixTimeMilliseconds());
        Assert.False(double.IsNaN(last.MktTripC));
    }

    /// <summary>What this thread allocates feeding the batches one call each (the in-memory store answers at once).</summary>
    private static async Task<long> AllocatedAsync(Rig rig, RuleInput[][] batches)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (RuleInput[] batch in batches)
        {
            Task fed = rig.Engine.ProcessAsync(batch, saveState: false);
            Assert.True(fed.IsCompletedSuccessfully);
            await fed;
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
