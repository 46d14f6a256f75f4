using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12: the engine finds a batch's containers and streams ahead of evaluating it (FindAhead: the look-ups' cache
/// misses overlap). Each input must still reach its own container's stream for its own tag: with several tags of one
/// container in a batch, a stream made in the middle of the batch, a container whose last stream is another tag's, after
/// an earlier batch left its findings at the same positions, after a profile change and after ForgetAsync.
/// </summary>
public sealed class FindAheadTests
{
    private static readonly ContainerKey Other = new("acme", "MSCU1234565");

    private static RuleInput At(ContainerKey container, string tag, uint seq, double temp = 5) =>
        RuleInput.Reading(container, tag, 1, seq, Ms(seq * 5.0), temp);

    /// <summary>Per stream: tag, first and last reading (minutes after T0).</summary>
    private static async Task<(string, double, double)[]> Streams(Rig rig, ContainerKey container) =>
        [.. (await rig.Engine.SummaryAsync(container)).Select(s =>
            (s.Tag, (s.FirstReading!.Value - T0).TotalMinutes, (s.LastReading!.Value - T0).TotalMinutes))];

    [Fact]
    public async Task Every_input_reaches_its_own_containers_stream_for_its_tag()
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Feed(At(Box, "a", 0), At(Other, "b", 0));
        // At the positions the batch before found Box "a" and Other "b": Box "b" (made here), Other "a" (made here), then
        // each container's other tag, and Box "b" again after it was made in this batch.
        await rig.Feed(At(Box, "b", 1), At(Other, "a", 1), At(Box, "a", 2), At(Other, "b", 3), At(Box, "b", 4));

        Assert.Equal([("a", 0, 10), ("b", 5, 20)], await Streams(rig, Box));
        Assert.Equal([("a", 5, 5), ("b", 0, 15)], await Streams(rig, Other));
    }

    [Fact]
    public async Task A_profile_change_and_forgotten_states_in_between_change_nothing_but_what_they_do()
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Feed(At(Box, "a", 0), At(Other, "a", 0));

        // Another profile for Box: its streams re-run under it in the next batch, still the same streams.
        await rig.Store.PutProfileAsync(OneBand(Upper(4), "cold"));
        await rig.Store.AssignProfileAsync(Box, "cold");
        await rig.Engine.InvalidateProfilesAsync();
        await rig.Feed(At(Box, "a", 1), At(Other, "a", 1));
        Assert.Single(await rig.Excursions()); // 5 C is above 4: the whole window is outside under "cold"
        Assert.Equal([("a", 0, 5)], await Streams(rig, Box));

        // Box forgotten (a partition handed over): read back from the store, and its reading goes to that state.
        await rig.Engine.SaveStateAsync();
        await rig.Engine.ForgetAsync(k => k == Box);
        await rig.Feed(At(Other, "a", 2), At(Box, "a", 2));
        Assert.Equal([("a", 0, 10)], await Streams(rig, Box));
        Assert.Equal([("a", 0, 10)], await Streams(rig, Other));
    }
}
