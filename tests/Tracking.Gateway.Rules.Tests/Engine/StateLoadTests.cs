using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12: once <see cref="RuleEngine.LoadAsync"/> has loaded every saved state, a container the engine does not hold
/// has none, so its first reading reads no snapshot from the store; a container saved before the restart still goes on
/// from its saved state, and an engine that did not load (or is not the only writer) reads the store as before.
/// </summary>
public sealed class StateLoadTests
{
    private static readonly ContainerKey Other = new("acme", "MSCU1234565");

    private static RuleEngine Engine(IRuleStore store, ManualTimeProvider time) =>
        new(store, [], Options.Create(new RulesOptions()), time);

    [Fact]
    public async Task After_loading_a_new_container_reads_no_snapshot_and_a_saved_one_goes_on_from_its_state()
    {
        var inner = new InMemoryRuleStore();
        await inner.PutProfileAsync(OneBand(Upper(8, delayMin: 10)));
        await inner.AssignProfileAsync(Box, "test");
        var time = new ManualTimeProvider(T0);
        // Before the restart: Box goes above 8 for 5 minutes (its alarm is due after 10).
        await Engine(inner, time).ProcessAsync([R(0, 5), R(1, 9), R(2, 9)]);

        var counting = new CountingRuleStore(inner);
        RuleEngine restarted = Engine(counting, time);
        await restarted.LoadAsync();
        int loads = counting.StateLoads;
        await restarted.ProcessAsync([R(3, 9), R(0, 5) with { Container = Other }, R(1, 5) with { Container = Other }]);

        Assert.Equal(loads, counting.StateLoads);
        // The excursion began before the restart: its alarm fires at 10 minutes with the start kept in the saved state.
        Alert alarm = Assert.Single(await inner.ListAlertsAsync(new AlertQuery(State: AlertState.Open)));
        Assert.Equal(T0.AddMinutes(5), alarm.Since);
        StreamSummary other = Assert.Single(await restarted.SummaryAsync(Other));
        Assert.Equal(T0, other.FirstReading);
    }

    [Fact]
    public async Task Without_loading_first_a_container_is_read_from_the_store()
    {
        var inner = new InMemoryRuleStore();
        await inner.PutProfileAsync(OneBand(Upper(8, delayMin: 10)));
        await inner.AssignProfileAsync(Box, "test");
        var time = new ManualTimeProvider(T0);
        await Engine(inner, time).ProcessAsync([R(0, 5), R(1, 9), R(2, 9)]);

        var counting = new CountingRuleStore(inner);
        RuleEngine restarted = Engine(counting, time);
        await restarted.ProcessAsync([R(3, 9)]);

        Assert.Equal(1, counting.StateLoads);
        Assert.Equal(T0.AddMinutes(5), Assert.Single(await inner.ListAlertsAsync(new AlertQuery(State: AlertState.Open))).Since);
    }
}
