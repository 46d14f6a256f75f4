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
}
