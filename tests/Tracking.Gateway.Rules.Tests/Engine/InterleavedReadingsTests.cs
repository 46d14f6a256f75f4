using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// The engine's side of the 24 h chaos alert mismatch (docs/reliability.md): readings of another part of the boot (a0
/// readings, placed by the gateway at arrival - a0) between the readings of an excursion end it and the next reading
/// starts a new one. The reference (Tracking.Testing.EndToEnd ExpectedAlerts, TagSimulator.Tests ExpectedAlertsTests)
/// computes the same four alerts from the same readings.
/// </summary>
public sealed class InterleavedReadingsTests
{
    [Fact]
    public async Task Readings_back_inside_between_an_excursions_readings_end_it_and_the_next_one_starts_it_again()
    {
        var rig = new Rig(ProfilePresets.Pharma2To8);
        List<RuleInput> readings = [.. Enumerable.Range(0, 12).Select(k => RuleInput.Reading(Box, Tag, 1, (uint)(100 + k), Ms(k * 5), 20))];
        readings.Add(RuleInput.Reading(Box, Tag, 1, 0, Ms(12.5), 5));
        readings.Add(RuleInput.Reading(Box, Tag, 1, 1, Ms(17.5), 5));
        foreach (RuleInput r in readings.OrderBy(r => r.TimeMs)) await rig.Feed(r);

        (string? Band, DateTimeOffset Since, AlertState State)[] alerts =
            [.. (await rig.Alerts()).Select(a => (a.Band, a.Since, a.State)).OrderBy(a => a.Band, StringComparer.Ordinal).ThenBy(a => a.Since)];
        Assert.Equal(
            [
                ("temp_c_upper_15", T0, AlertState.Resolved), ("temp_c_upper_15", T0.AddMinutes(15), AlertState.Resolved),
                ("temp_c_upper_15", T0.AddMinutes(20), AlertState.Open), ("temp_c_upper_8", T0.AddMinutes(20), AlertState.Open),
            ],
            alerts);
    }

    [Fact]
    public async Task Two_tags_whose_excursions_begin_at_the_same_time_are_stored_apart_and_late_data_for_one_leaves_the_other()
    {
        // Found by the shared-rules test: the store keyed excursions by (container, band, start), so tag A's excursion
        // overwrote tag B's of the same start, and when A's late first reading moved A's start earlier, B's record was deleted.
        var rig = new Rig(OneBand(Upper(8)));
        RuleInput At(string tag, uint seq, double temp) => RuleInput.Reading(Box, tag, 1, seq, Ms(seq * 5.0), temp);
        await rig.Feed(At("tagB", 0, 5), At("tagB", 1, 9), At("tagB", 2, 9), At("tagB", 3, 5));
        await rig.Feed(At("tagA", 1, 9), At("tagA", 2, 9.5), At("tagA", 3, 5));
        await rig.Feed(At("tagA", 0, 10));

        IReadOnlyList<Excursion> stored = await rig.Store.ListExcursionsAsync(Box, T0, T0.AddDays(1));
        Assert.Equal(
            [("tagA", T0, T0.AddMinutes(15), 10.0), ("tagB", T0.AddMinutes(5), T0.AddMinutes(15), 9.0)],
            stored.Select(e => (e.Tag, e.Start, e.End!.Value, e.Peak)));
        // What the store holds is what the engine reports.
        Assert.Equal(stored.OrderBy(e => e.Tag, StringComparer.Ordinal), (await rig.Excursions()).OrderBy(e => e.Tag, StringComparer.Ordinal));
    }
}
