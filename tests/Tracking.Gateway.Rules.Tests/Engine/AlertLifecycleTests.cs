using Tracking.Testing;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>Silence on a timer, shocks, battery, acknowledgement, escalation, and a restart in the middle.</summary>
public sealed class AlertLifecycleTests
{
    private static readonly Profile Watched = new()
    {
        Name = "watched", Bands = [Upper(8, delayMin: 10)], ShockG = 4, BatteryV = 3.4, Silence = TimeSpan.FromHours(2),
    };

    [Fact]
    public async Task Silence_is_decided_by_the_clock_and_ends_when_data_resumes()
    {
        var rig = new Rig(Watched);
        await rig.Feed(R(0, 5));
        rig.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        await rig.Engine.CheckTimersAsync();
        Assert.Empty(await rig.Alerts());

        rig.Time.Advance(TimeSpan.FromSeconds(1)); // 2 h since the last data arrived
        await rig.Engine.CheckTimersAsync();
        await rig.Engine.CheckTimersAsync(); // no second alert while the first is open
        Alert silent = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal("tag_silent", silent.Kind);
        Assert.Equal(Tag, silent.Tag);
        Assert.Equal(T0, silent.Since);

        await rig.Feed(R(1, 5));
        Assert.Equal(AlertState.Resolved, (await rig.Store.GetAlertAsync(silent.Id))!.State);
        await rig.Engine.CheckTimersAsync();
        Assert.Empty(await rig.Alerts(AlertState.Open));
    }

    [Fact]
    public async Task A_gateway_down_longer_than_the_silence_limit_gives_its_tags_a_full_limit_after_it_starts()
    {
        var rig = new Rig(Watched);
        await rig.Feed(R(0, 5));
        rig.Time.Advance(TimeSpan.FromHours(3)); // the gateway was down; the tag's data waits in the broker

        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        await restarted.Engine.CheckTimersAsync();
        restarted.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        await restarted.Engine.CheckTimersAsync();
        Assert.Empty(await restarted.Alerts()); // not yet a whole limit of watching

        restarted.Time.Advance(TimeSpan.FromSeconds(1)); // still nothing came in a whole limit after the start
        await restarted.Engine.CheckTimersAsync();
        Alert silent = Assert.Single(await restarted.Alerts(AlertState.Open));
        Assert.Equal("tag_silent", silent.Kind);
        Assert.Equal(T0, silent.Since); // since the data stopped, not since the start
    }

    [Fact]
    public async Task A_step_of_the_gateways_clock_neither_makes_nor_hides_a_silent_tag()
    {
        var rig = new Rig(Watched);
        await rig.Feed(R(0, 5));
        rig.Time.StepWallClock(TimeSpan.FromHours(3)); // longer than the 2 h limit, but no time passed
        await rig.Engine.CheckTimersAsync();
        Assert.Empty(await rig.Alerts());

        rig.Time.StepWallClock(TimeSpan.FromHours(-6)); // back: the tag still goes silent after 2 h of real time
        rig.Time.Advance(TimeSpan.FromHours(2));
        await rig.Engine.CheckTimersAsync();
        Alert silent = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal(T0, silent.Since);
    }

    /// <summary>A crash between storing a silence alert and saving the state that names it (the state on disk is the one before).</summary>
    private static async Task<(Rig Rig, Alert Silent)> SilenceAlertWithItsStateLostAsync()
    {
        var rig = new Rig(Watched);
        await rig.Feed(R(0, 5));
        byte[] before = (await rig.Store.LoadStateAsync(Box))!.State;
        rig.Time.Advance(TimeSpan.FromHours(2));
        await rig.Engine.CheckTimersAsync();
        Alert silent = Assert.Single(await rig.Alerts(AlertState.Open));
        await rig.Store.SaveStateAsync(Box, before);
        return (rig, silent);
    }

    [Fact]
    public async Task A_silence_alert_whose_state_was_lost_in_a_crash_is_taken_back_at_start_and_resolved_by_the_tag()
    {
        (Rig rig, Alert silent) = await SilenceAlertWithItsStateLostAsync();
        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        await restarted.Feed(R(1, 5)); // the tag speaks before any silence check: only a stream that knows the alert resolves it
        Assert.Equal(AlertState.Resolved, (await restarted.Store.GetAlertAsync(silent.Id))!.State);
        Assert.Equal(silent.Id, Assert.Single(await restarted.Alerts()).Id);
    }

    [Fact]
    public async Task A_silence_alert_whose_state_was_lost_is_not_opened_twice_when_the_container_comes_back_by_data()
    {
        (Rig rig, Alert silent) = await SilenceAlertWithItsStateLostAsync();
        Rig restarted = rig.Restart(); // no LoadAsync: the container comes back with a replay of its last reading
        await restarted.Feed(R(0, 5));
        restarted.Time.Advance(TimeSpan.FromHours(2));
        await restarted.Engine.CheckTimersAsync();
        Assert.Equal(silent.Id, Assert.Single(await restarted.Alerts()).Id);

        await restarted.Feed(R(1, 5));
        Assert.Equal(AlertState.Resolved, (await restarted.Store.GetAlertAsync(silent.Id))!.State);
    }

    [Fact]
    public async Task A_changed_silence_limit_applies_to_a_silent_tag()
    {
        var rig = new Rig(Watched);
        await rig.Feed(R(0, 5));
        await rig.Store.PutProfileAsync(Watched with { Silence = TimeSpan.FromMinutes(30) });
        rig.Time.Advance(TimeSpan.FromMinutes(31));
        await rig.Engine.CheckTimersAsync();
        Assert.Equal("tag_silent", Assert.Single(await rig.Alerts()).Kind);
    }

    [Fact]
    public async Task A_changed_profile_applies_to_the_next_batch_after_InvalidateProfiles()
    {
        var rig = new Rig(OneBand(Upper(30)));
        await rig.Feed(R(0, 10));
        await rig.Store.PutProfileAsync(OneBand(Upper(8)));
        await rig.Engine.InvalidateProfilesAsync();
        rig.Time.Advance(TimeSpan.FromSeconds(1)); // well within ProfileRefresh: only the invalidation makes it reread
        await rig.Feed(R(1, 12));
        Assert.Equal("temp_high", Assert.Single(await rig.Alerts()).Kind);
    }

    [Fact]
    public async Task Shocks_at_or_above_the_threshold_are_counted_once_each_with_the_trips_maximum()
    {
        var rig = new Rig(Watched);
        await rig.Feed(
            RuleInput.Shock(Box, Tag, 1, 0, Ms(1), 3.99),
            RuleInput.Shock(Box, Tag, 1, 1, Ms(2), 4.0),
            RuleInput.Shock(Box, Tag, 1, 1, Ms(2), 4.0), // the same event delivered twice
            RuleInput.Shock(Box, Tag, 1, 2, Ms(3), 6.5));
        await rig.Feed(RuleInput.Shock(Box, Tag, 1, 2, Ms(3), 6.5));
        var summary = await rig.Summary();
        Assert.Equal(2, summary.ShockCount);
        Assert.Equal(6.5, summary.ShockMaxG);
        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(3)], summary.Shocks.Select(s => s.Time));
        Assert.Equal(2, (await rig.Alerts()).Count(a => a.Kind == "shock"));
        Assert.Equal(2, rig.Sink.Of(AlertTransition.Raised).Count);
    }

    [Fact]
    public async Task A_shock_whose_alert_the_store_refused_raises_it_when_the_batch_comes_again()
    {
        var inner = new InMemoryRuleStore();
        await inner.PutProfileAsync(Watched);
        await inner.AssignProfileAsync(Box, Watched.Name);
        var store = new AlertRefusingStore(inner) { RefuseOpens = 1 };
        var sink = new RecordingSink();
        var engine = new RuleEngine(store, [sink], Microsoft.Extensions.Options.Options.Create(new RulesOptions()), new ManualTimeProvider(T0));
        RuleInput shock = RuleInput.Shock(Box, Tag, 1, 1, Ms(2), 6.5);

        // The feed hands a batch that failed over again (ConsumerStage): the shock must not count as done by then.
        await Assert.ThrowsAsync<IOException>(() => engine.ProcessAsync([shock]));
        await engine.ProcessAsync([shock]);

        Alert alert = Assert.Single(await inner.ListAlertsAsync(new AlertQuery()));
        Assert.Equal(("shock", 6.5), (alert.Kind, alert.Value));
        Assert.Contains("(1 this trip, max 6.5 g)", alert.Message, StringComparison.Ordinal);
        StreamSummary summary = Assert.Single(await engine.SummaryAsync(Box));
        Assert.Equal((1, 6.5), (summary.ShockCount, summary.ShockMaxG));
    }

    [Fact]
    public async Task Battery_low_opens_at_the_threshold_and_resolves_100_mV_above_it()
    {
        var rig = new Rig(Watched);
        await rig.Feed(RuleInput.Battery(Box, Tag, Ms(0), 3.41));
        Assert.Empty(await rig.Alerts());
        await rig.Feed(RuleInput.Battery(Box, Tag, Ms(5), 3.40));
        await rig.Feed(RuleInput.Battery(Box, Tag, Ms(10), 3.39));
        Alert low = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal("battery_low", low.Kind);
        await rig.Feed(RuleInput.Battery(Box, Tag, Ms(15), 3.45)); // not yet 3.5
        Assert.Single(await rig.Alerts(AlertState.Open));
        await rig.Feed(RuleInput.Battery(Box, Tag, Ms(20), 3.5));
        Assert.Empty(await rig.Alerts(AlertState.Open));
    }

    [Fact]
    public async Task A_low_battery_whose_alert_the_store_refused_raises_it_when_the_batch_comes_again()
    {
        var inner = new InMemoryRuleStore();
        await inner.PutProfileAsync(Watched);
        await inner.AssignProfileAsync(Box, Watched.Name);
        var store = new AlertRefusingStore(inner);
        var engine = new RuleEngine(store, [new RecordingSink()], Microsoft.Extensions.Options.Options.Create(new RulesOptions()), new ManualTimeProvider(T0));
        await engine.ProcessAsync([RuleInput.Battery(Box, Tag, Ms(0), 3.6)]);

        store.RefuseOpens = 1;
        RuleInput low = RuleInput.Battery(Box, Tag, Ms(5), 3.3);
        await Assert.ThrowsAsync<IOException>(() => engine.ProcessAsync([low]));
        await engine.ProcessAsync([low]);

        Alert alert = Assert.Single(await inner.ListAlertsAsync(new AlertQuery(State: AlertState.Open)));
        Assert.Equal(("battery_low", T0.AddMinutes(5)), (alert.Kind, alert.Since));
    }

    [Fact]
    public async Task An_unacknowledged_alert_escalates_one_severity_per_period_until_acknowledged()
    {
        var rig = new Rig(Watched, options: new() { EscalateAfter = TimeSpan.FromMinutes(30) });
        await rig.Feed(Series(9, 9, 9)); // raised at T0 (its readings are "in the future": not late)
        Alert alert = Assert.Single(await rig.Alerts());
        Assert.Equal(Severity.Alarm, alert.Severity);
        Assert.Equal(Tag, alert.Tag); // a band alert knows its tag

        rig.Time.Advance(TimeSpan.FromMinutes(29));
        await rig.Engine.CheckTimersAsync();
        Assert.Empty(rig.Sink.Of(AlertTransition.Escalated));

        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.Engine.CheckTimersAsync();
        await rig.Engine.CheckTimersAsync(); // once per period
        alert = (await rig.Store.GetAlertAsync(alert.Id))!;
        Assert.Equal((Severity.Critical, 1), (alert.Severity, alert.Escalations));
        Assert.Single(rig.Sink.Of(AlertTransition.Escalated));

        rig.Time.Advance(TimeSpan.FromMinutes(5));
        Alert? acked = await rig.Engine.AcknowledgeAsync(alert.Id, "dana", "reefer checked, door was open");
        Assert.Equal(AlertState.Acknowledged, acked!.State);
        Assert.Equal(("dana", T0.AddMinutes(35), "reefer checked, door was open"), (acked.AcknowledgedBy, acked.AcknowledgedAt, acked.AcknowledgeNote));
        Assert.Equal(AlertState.Acknowledged, (await rig.Engine.AcknowledgeAsync(alert.Id, "eve", null))!.State); // idempotent
        Assert.Equal("dana", (await rig.Store.GetAlertAsync(alert.Id))!.AcknowledgedBy);

        rig.Time.Advance(TimeSpan.FromHours(2));
        await rig.Engine.CheckTimersAsync(); // (opens tag_silent too: no data for 2 h)
        Assert.Single(rig.Sink.Of(AlertTransition.Escalated), n => n.Alert.Id == alert.Id);

        await rig.Feed(R(3, 7)); // back inside: acknowledged -> resolved
        Assert.Equal(AlertState.Resolved, (await rig.Store.GetAlertAsync(alert.Id))!.State);
        Assert.Equal(
            [AlertTransition.Raised, AlertTransition.Escalated, AlertTransition.Acknowledged, AlertTransition.Resolved],
            rig.Sink.Seen.Where(n => n.Alert.Id == alert.Id).Select(n => n.Transition));
        Assert.Null(await rig.Engine.AcknowledgeAsync(999, "dana", null));
    }

    [Fact]
    public async Task A_step_of_the_gateways_clock_neither_escalates_an_alert_early_nor_late()
    {
        var rig = new Rig(Watched, options: new() { EscalateAfter = TimeSpan.FromMinutes(30) });
        await rig.Feed(Series(9, 9, 9));
        Alert alert = Assert.Single(await rig.Alerts());

        rig.Time.StepWallClock(TimeSpan.FromHours(3)); // the time of day jumps past the period, no time passed
        await rig.Engine.CheckTimersAsync();
        Assert.Empty(rig.Sink.Of(AlertTransition.Escalated));

        rig.Time.StepWallClock(TimeSpan.FromHours(-6)); // back, before the raise: 30 min of real time still escalate it
        rig.Time.Advance(TimeSpan.FromMinutes(29));
        await rig.Engine.CheckTimersAsync();
        Assert.Empty(rig.Sink.Of(AlertTransition.Escalated));
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        await rig.Engine.CheckTimersAsync();
        Assert.Equal(alert.Id, Assert.Single(rig.Sink.Of(AlertTransition.Escalated)).Alert.Id);
        Assert.Equal(1, (await rig.Store.GetAlertAsync(alert.Id))!.Escalations);
    }

    [Fact]
    public async Task An_alert_raised_before_a_restart_escalates_by_its_age_then_on_the_monotonic_clock()
    {
        var rig = new Rig(Watched, options: new() { EscalateAfter = TimeSpan.FromMinutes(30) });
        await rig.Feed(Series(9, 9, 9));
        Alert alert = Assert.Single(await rig.Alerts());
        rig.Time.Advance(TimeSpan.FromMinutes(20));

        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        await restarted.Engine.CheckTimersAsync(); // 20 min old by the wall clock: known from here on
        restarted.Time.StepWallClock(TimeSpan.FromHours(-1));
        restarted.Time.Advance(TimeSpan.FromMinutes(9));
        await restarted.Engine.CheckTimersAsync();
        Assert.Empty(restarted.Sink.Of(AlertTransition.Escalated));

        restarted.Time.Advance(TimeSpan.FromMinutes(1)); // 20 + 10 min open
        await restarted.Engine.CheckTimersAsync();
        Assert.Equal(alert.Id, Assert.Single(restarted.Sink.Of(AlertTransition.Escalated)).Alert.Id);
    }

    [Fact]
    public async Task Acknowledging_a_shock_resolves_it()
    {
        var rig = new Rig(Watched);
        await rig.Feed(RuleInput.Shock(Box, Tag, 1, 0, Ms(1), 9));
        Alert shock = Assert.Single(await rig.Alerts());
        Assert.Equal(Tag, shock.Tag);
        Alert? acked = await rig.Engine.AcknowledgeAsync(shock.Id, "dana", null);
        Assert.Equal(AlertState.Resolved, acked!.State);
        Assert.Equal("dana", acked.AcknowledgedBy);
    }

    [Fact]
    public async Task A_restart_in_the_middle_keeps_alert_and_evaluation_state()
    {
        var rig = new Rig(Watched);
        RuleInput[] trip = Series(5, 9, 9, 9, 9, 9, 7);
        await rig.Feed(trip[..4]); // alarm at minute 15 (10 min since minute 5)
        Alert alert = Assert.Single(await rig.Alerts(AlertState.Open));

        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        await restarted.Feed(trip); // the broker redelivers everything, then the rest
        Assert.Single(await restarted.Alerts());
        Assert.Equal(AlertState.Resolved, (await restarted.Store.GetAlertAsync(alert.Id))!.State);
        Assert.Equal([AlertTransition.Resolved], restarted.Sink.Seen.Select(n => n.Transition));
        Assert.Equal(["5-30"], BandRuleTests.Describe(await restarted.Excursions()));
        Assert.Equal(TimeSpan.FromMinutes(25), (await restarted.Summary()).Excursions[0].Duration);
    }

    [Fact]
    public async Task A_restart_keeps_silence_timers()
    {
        var rig = new Rig(Watched);
        await rig.Feed(R(0, 5));
        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        restarted.Time.Advance(TimeSpan.FromHours(3));
        await restarted.Engine.CheckTimersAsync();
        Assert.Equal("tag_silent", Assert.Single(await restarted.Alerts()).Kind);
    }

    [Fact]
    public async Task A_failing_sink_does_not_stop_the_rules()
    {
        var store = new Rules.Store.InMemoryRuleStore();
        await store.PutProfileAsync(Watched);
        await store.AssignProfileAsync(Box, Watched.Name);
        var engine = new RuleEngine(store, [new ThrowingSink()], Microsoft.Extensions.Options.Options.Create(new Rules.Hosting.RulesOptions()), new ManualTimeProvider(T0));
        await engine.ProcessAsync(Series(9, 9, 9, 7));
        Assert.Equal(AlertState.Resolved, Assert.Single(await store.ListAlertsAsync(new AlertQuery())).State);
    }

    [Fact]
    public async Task A_batch_the_store_failed_on_is_evaluated_and_saved_when_it_comes_again()
    {
        var store = new FlakyStore();
        await store.PutProfileAsync(Watched);
        await store.AssignProfileAsync(Box, Watched.Name);
        var engine = new RuleEngine(store, [], Microsoft.Extensions.Options.Options.Create(new Rules.Hosting.RulesOptions()), new ManualTimeProvider(T0));
        store.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => engine.ProcessAsync(Series(9, 9, 9)));
        store.Failing = false;
        await engine.ProcessAsync(Series(9, 9, 9)); // the consumer retries the batch
        Assert.Single(await store.ListAlertsAsync(new AlertQuery()));
        Assert.NotNull(await store.LoadStateAsync(Box));
    }

    private sealed class FlakyStore() : Rules.Store.DelegatingRuleStore(new Rules.Store.InMemoryRuleStore())
    {
        public bool Failing { get; set; }

        public override Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default) =>
            Failing ? throw new IOException("store down") : base.OpenAlertAsync(alert, ct);

        public override Task SaveStatesAsync(IReadOnlyList<Rules.Store.ContainerSnapshot> states, CancellationToken ct = default) =>
            Failing ? throw new IOException("store down") : base.SaveStatesAsync(states, ct);
    }

    private sealed class ThrowingSink : IAlertSink
    {
        public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct) => throw new InvalidOperationException("broker down");
    }
}
