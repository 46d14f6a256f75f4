using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>
/// What every <see cref="IRuleStore"/> must do, run against each implementation: the in-memory store is the reference,
/// the SQL stores must not be told apart from it by any caller.
/// </summary>
public abstract class RuleStoreContractTests : IAsyncLifetime
{
    protected static readonly ContainerKey Box = new("acme", "CSQU3054383");
    protected static readonly ContainerKey Other = new("acme", "MSCU1234565");
    protected static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private IRuleStore? _store;

    protected IRuleStore Store => _store ?? throw new InvalidOperationException("not initialised");

    /// <summary>A store instance on this test's database: a second call gives a second instance sharing the same data.</summary>
    protected abstract Task<IRuleStore> OpenStoreAsync();

    public virtual async Task InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    protected static Alert NewAlert(string key, ContainerKey? container = null, DateTimeOffset? raisedAt = null) => new()
    {
        Key = key, Container = container ?? Box, Kind = "temp_high", Band = "temp_c_upper_8", Severity = Severity.Alarm, Since = Start,
        RaisedAt = raisedAt ?? Start.AddMinutes(30),
    };

    protected static Profile Pharma => new()
    {
        Name = "pharma",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Delay = TimeSpan.FromMinutes(30) },
            new Band
            {
                Metric = Metric.TemperatureC, Kind = BandKind.Dual, Low = 2, High = 8, Cumulative = TimeSpan.FromHours(10),
                Severity = Severity.Critical, Hysteresis = 0.5,
            },
        ],
        ShockG = 4, Silence = TimeSpan.FromHours(2), MktLimitC = 8, MktWindow = TimeSpan.FromDays(1),
    };

    protected static void AssertSameProfile(Profile expected, Profile? actual)
    {
        Assert.NotNull(actual);
        // Bands is a list: records compare it by reference, so compare it element by element.
        Assert.Equal(expected with { Bands = [] }, actual with { Bands = [] });
        Assert.Equal(expected.Bands, actual.Bands);
    }

    private static Trip NewTrip(DateTimeOffset start, string? reference = null, ContainerKey? container = null) => new()
    {
        Container = container ?? Box, Start = start, Reference = reference, Profile = "pharma", CreatedAt = Start.AddDays(10),
    };

    [Fact]
    public async Task Trips_follow_one_another_a_start_ends_the_one_in_progress_and_they_list_newest_first()
    {
        Assert.Empty(await Store.ListTripsAsync(Box));
        Assert.Equal(TripOutcome.NoOpenTrip, (await Store.EndTripAsync(Box, Start)).Outcome);

        TripChange first = await Store.StartTripAsync(NewTrip(Start));
        Assert.Equal(TripOutcome.Done, first.Outcome);
        Assert.Null(first.Ended);
        Trip a = first.Trip!;
        Assert.True(a.Id > 0);
        Assert.Equal(NewTrip(Start) with { Id = a.Id }, a);

        TripChange second = await Store.StartTripAsync(NewTrip(Start.AddDays(1), "BL-0042/7"));
        Assert.Equal(TripOutcome.Done, second.Outcome);
        Trip b = second.Trip!;
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(a with { End = Start.AddDays(1) }, second.Ended);
        Assert.Equal([b, a with { End = Start.AddDays(1) }], await Store.ListTripsAsync(Box));
        Assert.Equal(b, await Store.GetTripAsync(Box, b.Id));
        Assert.Null(await Store.GetTripAsync(Other, b.Id)); // another container's id is unknown here
        Assert.Null(await Store.GetTripAsync(Box, b.Id + 1000));
        Assert.Empty(await Store.ListTripsAsync(Other));

        // A start not after the latest start, an end not after its trip's start: refused, nothing written.
        Assert.Equal(new TripChange(TripOutcome.Overlaps, b), await Store.StartTripAsync(NewTrip(Start.AddDays(1))));
        Assert.Equal(new TripChange(TripOutcome.Overlaps, b), await Store.StartTripAsync(NewTrip(Start.AddHours(12))));
        Assert.Equal(new TripChange(TripOutcome.EndBeforeStart, b), await Store.EndTripAsync(Box, Start.AddDays(1)));

        TripChange ended = await Store.EndTripAsync(Box, Start.AddDays(2));
        Assert.Equal(new TripChange(TripOutcome.Done, b with { End = Start.AddDays(2) }), ended);
        Assert.Equal(TripOutcome.NoOpenTrip, (await Store.EndTripAsync(Box, Start.AddDays(3))).Outcome);
        // Before the ended trip's end: overlaps it; at its end: follows it.
        Assert.Equal(TripOutcome.Overlaps, (await Store.StartTripAsync(NewTrip(Start.AddDays(2).AddTicks(-1)))).Outcome);
        TripChange third = await Store.StartTripAsync(NewTrip(Start.AddDays(2)));
        Assert.Equal(TripOutcome.Done, third.Outcome);
        Assert.Null(third.Ended);
        Assert.Equal([third.Trip!.Id, b.Id, a.Id], (await Store.ListTripsAsync(Box)).Select(t => t.Id));
    }

    [Fact]
    public async Task Racing_trip_starts_through_two_instances_leave_trips_that_never_overlap()
    {
        IRuleStore second = await OpenStoreAsync();
        try
        {
            // Twelve starts at once, half through each instance, in no particular order of their start times.
            TripChange[] changes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
                Task.Run(() => (i % 2 == 0 ? Store : second).StartTripAsync(NewTrip(Start.AddHours((i * 7) % 12), "r" + i)))));
            Assert.All(changes, c => Assert.Contains(c.Outcome, (TripOutcome[])[TripOutcome.Done, TripOutcome.Overlaps, TripOutcome.Conflict]));
            IReadOnlyList<Trip> trips = await Store.ListTripsAsync(Box);
            Assert.Equal(changes.Count(c => c.Outcome == TripOutcome.Done), trips.Count);
            Assert.NotEmpty(trips);
            Assert.Null(trips[0].End);
            for (int i = 1; i < trips.Count; i++)
            {
                // Newest first, each ended exactly where the next began.
                Assert.Equal(trips[i - 1].Start, trips[i].End);
            }
        }
        finally
        {
            if (!ReferenceEquals(second, Store) && second is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Trip_writes_change_the_profile_version_or_it_stays_unknown()
    {
        long? before = await Store.ProfileVersionAsync();
        await Store.StartTripAsync(NewTrip(Start));
        long? started = await Store.ProfileVersionAsync();
        await Store.EndTripAsync(Box, Start.AddDays(1));
        long? ended = await Store.ProfileVersionAsync();
        if (before is null)
        {
            Assert.Null(started);
            Assert.Null(ended);
            return;
        }
        Assert.Equal(3, new[] { before, started, ended }.Distinct().Count());
        // A refused write changes nothing.
        await Store.EndTripAsync(Box, Start.AddDays(2));
        Assert.Equal(ended, await Store.ProfileVersionAsync());
    }

    [Fact]
    public async Task An_excursion_keeps_its_trip()
    {
        var inTrip = new Excursion { Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Start = Start, Peak = 9, Trip = 42 };
        var outside = new Excursion { Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Start = Start.AddHours(1), Peak = 9 };
        await Store.PutExcursionAsync(inTrip);
        await Store.PutExcursionAsync(outside);
        Assert.Equal([inTrip, outside], await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1)));
        await Store.PutExcursionAsync(inTrip with { Trip = 43 });
        Assert.Equal(43, (await Store.ListExcursionsAsync(Box, Start, Start.AddHours(1)))[0].Trip);
    }

    [Fact]
    public async Task The_profile_version_changes_with_every_profile_and_assignment_write_of_any_instance_or_is_unknown()
    {
        long? before = await Store.ProfileVersionAsync();
        IRuleStore second = await OpenStoreAsync();
        try
        {
            if (before is null)
            {
                // A store that cannot tell stays so: the engine then looks every container up again per refresh period.
                await second.PutProfileAsync(Pharma);
                Assert.Null(await Store.ProfileVersionAsync());
                return;
            }
            await second.PutProfileAsync(Pharma);
            long? put = await Store.ProfileVersionAsync();
            await second.PutProfileAsync(Pharma); // the same profile again: still a write
            long? again = await Store.ProfileVersionAsync();
            await second.AssignProfileAsync(Box, "pharma");
            long? assigned = await Store.ProfileVersionAsync();
            await Store.AssignProfileAsync(Box with { Container = ContainerKey.FleetDefault }, "pharma");
            long? fleetDefault = await Store.ProfileVersionAsync();
            Assert.Equal(5, new[] { before, put, again, assigned, fleetDefault }.Distinct().Count());

            // Writes that do not decide a profile leave it alone.
            await Store.SaveStateAsync(Box, new byte[] { 1 });
            await Store.OpenAlertAsync(NewAlert("k1"));
            Assert.Equal(fleetDefault, await Store.ProfileVersionAsync());
        }
        finally
        {
            if (!ReferenceEquals(second, Store) && second is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Profiles_are_created_replaced_and_listed_by_name()
    {
        Assert.Null(await Store.GetProfileAsync("pharma"));
        Assert.Empty(await Store.ListProfilesAsync());

        await Store.PutProfileAsync(Pharma);
        AssertSameProfile(Pharma, await Store.GetProfileAsync("pharma"));
        Profile frozen = new() { Name = "frozen", Bands = [new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = -18 }] };
        Profile replaced = Pharma with { Bands = [], ShockG = null, Silence = null };
        await Store.PutProfileAsync(frozen);
        await Store.PutProfileAsync(replaced);

        AssertSameProfile(replaced, await Store.GetProfileAsync("pharma"));
        IReadOnlyList<Profile> all = await Store.ListProfilesAsync();
        Assert.Equal(["frozen", "pharma"], all.Select(p => p.Name));
        AssertSameProfile(frozen, all[0]);
        Assert.Null(await Store.GetProfileAsync("Pharma")); // names are case-sensitive
    }

    [Fact]
    public void Profiles_of_any_shape_round_trip()
    {
        // Few cases: each one is a round trip through the database.
        Prop.ForAll(ProfileGen.Profiles.ToArbitrary(), profile =>
        {
            Store.PutProfileAsync(profile).GetAwaiter().GetResult();
            AssertSameProfile(profile, Store.GetProfileAsync(profile.Name).GetAwaiter().GetResult());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public async Task A_container_without_its_own_profile_gets_its_fleets_default()
    {
        Assert.Null(await Store.AssignedProfileAsync(Box));
        await Store.AssignProfileAsync(Box with { Container = "*" }, "pharma");
        Assert.Equal("pharma", await Store.AssignedProfileAsync(Box));
        await Store.AssignProfileAsync(Box, "frozen");
        Assert.Equal("frozen", await Store.AssignedProfileAsync(Box));
        await Store.AssignProfileAsync(Box, "dry");
        Assert.Equal("dry", await Store.AssignedProfileAsync(Box));
        Assert.Equal("pharma", await Store.AssignedProfileAsync(Other));
        Assert.Null(await Store.AssignedProfileAsync(new ContainerKey("globex", Box.Container)));
        await Store.AssignProfileAsync(Box with { Container = "*" }, "chilled");
        Assert.Equal("chilled", await Store.AssignedProfileAsync(Other));
    }

    [Fact]
    public async Task Every_assignment_is_listed_once_with_its_latest_profile_fleet_defaults_included()
    {
        Assert.Empty(await Store.ListAssignmentsAsync());
        await Store.AssignProfileAsync(Box with { Container = "*" }, "pharma");
        await Store.AssignProfileAsync(Box, "frozen");
        await Store.AssignProfileAsync(Box, "dry");
        await Store.AssignProfileAsync(new ContainerKey("globex", Box.Container), "chilled");

        Assert.Equal(
            [new ProfileAssignment(new ContainerKey("acme", "*"), "pharma"), new ProfileAssignment(Box, "dry"),
             new ProfileAssignment(new ContainerKey("globex", Box.Container), "chilled")],
            (await Store.ListAssignmentsAsync()).OrderBy(a => a.Container.Fleet, StringComparer.Ordinal)
                .ThenBy(a => a.Container.Container, StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_containers_with_trips_are_listed_once_each()
    {
        Assert.Empty(await Store.ListTripContainersAsync());
        await Store.StartTripAsync(NewTrip(Start));
        await Store.StartTripAsync(NewTrip(Start.AddDays(1)));
        await Store.StartTripAsync(NewTrip(Start, container: Other));
        await Store.EndTripAsync(Other, Start.AddDays(1)); // ended: still a container with a trip

        Assert.Equal([Box, Other], (await Store.ListTripContainersAsync()).OrderBy(c => c.Container, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_open_with_the_same_key_returns_the_first_alert()
    {
        var (first, created) = await Store.OpenAlertAsync(NewAlert("k1"));
        var (again, createdAgain) = await Store.OpenAlertAsync(NewAlert("k1") with { Message = "replayed" });
        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first, again);
        Assert.Equal(first, await Store.GetAlertAsync(first.Id));
        Assert.Single(await Store.ListAlertsAsync(new AlertQuery()));

        Alert? resolved = await Store.UpdateAlertAsync(first with { State = AlertState.Resolved, Key = "changed", ResolvedAt = Start.AddHours(3) });
        Assert.Equal("k1", resolved!.Key);
        var (afterResolve, createdAfterResolve) = await Store.OpenAlertAsync(NewAlert("k1"));
        Assert.False(createdAfterResolve); // also once resolved
        Assert.Equal(AlertState.Resolved, afterResolve.State);
        Assert.Equal("k1", (await Store.GetAlertAsync(first.Id))!.Key);
        Assert.Null(await Store.GetAlertAsync(first.Id + 1000));
        Assert.Empty(await Store.ListAlertsAsync(new AlertQuery(State: AlertState.Open)));

        var (second, createdSecond) = await Store.OpenAlertAsync(NewAlert("k2"));
        Assert.True(createdSecond);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Every_alert_field_round_trips_and_updates()
    {
        // Sub-millisecond ticks and a non-UTC offset: the instant must come back exactly.
        var since = new DateTimeOffset(2026, 12, 1, 9, 15, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        Alert full = NewAlert("full") with
        {
            Severity = Severity.Critical, Since = since, RaisedAt = since.AddTicks(1), Late = TimeSpan.FromTicks(36_000_000_001),
            Value = 11.25, Limit = 8, Message = "temperature 11.25 C >= 8 C for 30 min", Tag = "tag7",
        };
        var (opened, _) = await Store.OpenAlertAsync(full);
        Alert stored = (await Store.GetAlertAsync(opened.Id))!;
        Assert.Equal(full with { Id = opened.Id }, stored);
        Assert.Equal(since.UtcTicks, stored.Since.UtcTicks);

        Alert acknowledged = stored with
        {
            State = AlertState.Acknowledged, AcknowledgedBy = "Zoë", AcknowledgedAt = since.AddMinutes(5), AcknowledgeNote = "door shut",
            Escalations = 2, Severity = Severity.Critical, Band = null, Value = null, Limit = null, Message = "", Tag = null,
        };
        Alert updated = acknowledged with { Version = stored.Version + 1 };
        Assert.Equal(updated, await Store.UpdateAlertAsync(acknowledged));
        Assert.Equal(updated, await Store.GetAlertAsync(opened.Id));
        Assert.Null(await Store.UpdateAlertAsync(acknowledged with { Id = opened.Id + 1000 }));
        Assert.Null(await Store.GetAlertAsync(opened.Id + 1000));
    }

    [Fact]
    public async Task Alerts_are_listed_newest_first_with_filters_and_a_limit()
    {
        ContainerKey elsewhere = new("globex", "TGHU1234561");
        Alert a = (await Store.OpenAlertAsync(NewAlert("a", Box, Start.AddHours(1)))).Alert;
        Alert b = (await Store.OpenAlertAsync(NewAlert("b", Other, Start.AddHours(3)))).Alert;
        Alert c = (await Store.OpenAlertAsync(NewAlert("c", elsewhere, Start.AddHours(2)))).Alert;
        Alert d = (await Store.OpenAlertAsync(NewAlert("d", Box, Start.AddHours(3)))).Alert; // same time as b: higher id first
        await Store.UpdateAlertAsync(a with { State = AlertState.Acknowledged });

        async Task<string[]> Keys(AlertQuery query) => [.. (await Store.ListAlertsAsync(query)).Select(x => x.Key)];
        Assert.Equal(["d", "b", "c", "a"], await Keys(new AlertQuery()));
        Assert.Equal(["d", "b", "c"], await Keys(new AlertQuery(State: AlertState.Open)));
        Assert.Equal(["a"], await Keys(new AlertQuery(State: AlertState.Acknowledged)));
        Assert.Empty(await Keys(new AlertQuery(State: AlertState.Resolved)));
        Assert.Equal(["d", "b", "a"], await Keys(new AlertQuery(Fleet: "acme")));
        Assert.Equal(["d", "a"], await Keys(new AlertQuery(Fleet: "acme", Container: Box.Container)));
        Assert.Equal(["d"], await Keys(new AlertQuery(State: AlertState.Open, Container: Box.Container)));
        Assert.Equal(["c"], await Keys(new AlertQuery(Fleet: "globex")));
        Assert.Equal(["d", "b"], await Keys(new AlertQuery(Limit: 2)));
        Assert.Empty(await Keys(new AlertQuery(Limit: 0)));
        Assert.True(a.Id < b.Id && b.Id < c.Id && c.Id < d.Id, "ids grow in the order alerts were opened");
    }

    [Fact]
    public async Task Concurrent_opens_of_one_key_from_two_store_instances_create_exactly_one_alert()
    {
        IRuleStore second = await OpenStoreAsync();
        try
        {
            IRuleStore[] stores = [Store, second];
            var opens = Enumerable.Range(0, 20)
                .Select(i => Task.Run(() => stores[i % 2].OpenAlertAsync(NewAlert("race") with { Message = $"gateway {i % 2}, attempt {i}" })));
            (Alert Alert, bool Created)[] results = await Task.WhenAll(opens);

            Assert.Single(results, r => r.Created);
            Assert.Single(results.Select(r => r.Alert.Id).Distinct());
            Alert winner = results.Single(r => r.Created).Alert;
            Assert.All(results, r => Assert.Equal(winner, r.Alert));
            Assert.Single(await second.ListAlertsAsync(new AlertQuery()));
        }
        finally
        {
            if (second is IAsyncDisposable disposable && !ReferenceEquals(second, Store)) await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stale_read_modify_write_is_refused_instead_of_undoing_the_write_it_missed()
    {
        // Issue 12: the operator's acknowledgement and the engine's resolution each read the open alert, then wrote it
        // whole: the later write put back what the earlier one changed (here: the acknowledgement was lost).
        Alert opened = (await Store.OpenAlertAsync(NewAlert("stale"))).Alert;
        Alert readByOperator = (await Store.GetAlertAsync(opened.Id))!;
        Alert readByEngine = (await Store.GetAlertAsync(opened.Id))!;

        Assert.NotNull(await Store.UpdateAlertAsync(readByOperator with
        {
            State = AlertState.Acknowledged, AcknowledgedBy = "ops", AcknowledgedAt = Start.AddHours(1),
        }));
        Assert.Null(await Store.UpdateAlertAsync(readByEngine with { State = AlertState.Resolved, ResolvedAt = Start.AddHours(2) }));

        Alert after = (await Store.GetAlertAsync(opened.Id))!;
        Assert.Equal(AlertState.Acknowledged, after.State);
        Assert.Equal("ops", after.AcknowledgedBy);
        Assert.Null(after.ResolvedAt);
        // Read again, the engine's change applies on top of the operator's.
        Alert resolved = (await Store.UpdateAlertAsync(after with { State = AlertState.Resolved, ResolvedAt = Start.AddHours(2) }))!;
        Assert.Equal(("ops", AlertState.Resolved), (resolved.AcknowledgedBy, resolved.State));
        Assert.Equal(resolved, await Store.GetAlertAsync(opened.Id));
    }

    [Fact]
    public async Task Acknowledge_then_resolve_keeps_both()
    {
        Alert opened = (await Store.OpenAlertAsync(NewAlert("ack-first"))).Alert;
        AlertChange ack = await Store.AcknowledgeAlertAsync(opened.Id, "ops", Start.AddHours(1), "door shut");
        Assert.True(ack.Changed);
        Assert.Equal(AlertState.Acknowledged, ack.Alert!.State);
        AlertChange resolve = await Store.ResolveAlertAsync(opened.Id, Start.AddHours(2));
        Assert.True(resolve.Changed);

        AssertAcknowledgedAndResolved((await Store.GetAlertAsync(opened.Id))!, opened);
        Assert.Equal(resolve.Alert, await Store.GetAlertAsync(opened.Id));
    }

    [Fact]
    public async Task Resolve_then_acknowledge_keeps_both()
    {
        // The operator acknowledged what the API showed open, the engine resolved it a moment before: the alert stays
        // resolved and records the acknowledgement (who, when, note) instead of dropping it or reopening the alert.
        Alert opened = (await Store.OpenAlertAsync(NewAlert("resolve-first"))).Alert;
        Assert.True((await Store.ResolveAlertAsync(opened.Id, Start.AddHours(2))).Changed);
        AlertChange ack = await Store.AcknowledgeAlertAsync(opened.Id, "ops", Start.AddHours(1), "door shut");
        Assert.True(ack.Changed);

        AssertAcknowledgedAndResolved((await Store.GetAlertAsync(opened.Id))!, opened);
        Assert.Equal(ack.Alert, await Store.GetAlertAsync(opened.Id));
    }

    [Fact]
    public async Task A_second_acknowledgement_or_resolution_changes_nothing()
    {
        Alert opened = (await Store.OpenAlertAsync(NewAlert("twice"))).Alert;
        await Store.AcknowledgeAlertAsync(opened.Id, "ops", Start.AddHours(1), "door shut");
        await Store.ResolveAlertAsync(opened.Id, Start.AddHours(2));
        Alert before = (await Store.GetAlertAsync(opened.Id))!;

        AlertChange again = await Store.AcknowledgeAlertAsync(opened.Id, "someone else", Start.AddHours(3), null);
        Assert.False(again.Changed);
        Assert.Equal(before, again.Alert); // the first acknowledgement stands
        AlertChange resolvedAgain = await Store.ResolveAlertAsync(opened.Id, Start.AddHours(4));
        Assert.False(resolvedAgain.Changed);
        Assert.Equal(before, resolvedAgain.Alert);
        Assert.Equal(before, await Store.GetAlertAsync(opened.Id));

        Assert.Equal(new AlertChange(null, false), await Store.AcknowledgeAlertAsync(opened.Id + 1000, "ops", Start, null));
        Assert.Equal(new AlertChange(null, false), await Store.ResolveAlertAsync(opened.Id + 1000, Start));
        Assert.Equal(new AlertChange(null, false), await Store.EscalateAlertAsync(opened.Id + 1000, 0, Severity.Critical, Start.AddHours(1)));
        Assert.Equal(new AlertChange(null, false), await Store.MoveAlertSinceAsync(opened.Id + 1000, Start));
    }

    [Fact]
    public async Task An_escalation_applies_only_to_an_open_alert_at_the_count_it_was_read_with()
    {
        Alert opened = (await Store.OpenAlertAsync(NewAlert("escalate") with { Severity = Severity.Warning })).Alert;
        AlertChange first = await Store.EscalateAlertAsync(opened.Id, 0, Severity.Alarm, Start.AddHours(1));
        Assert.True(first.Changed);
        Assert.Equal((Severity.Alarm, 1), (first.Alert!.Severity, first.Alert.Escalations));
        // Another gateway's timer listed it before the first escalation: its escalation is the same one, not a second.
        AlertChange stale = await Store.EscalateAlertAsync(opened.Id, 0, Severity.Alarm, Start.AddHours(1));
        Assert.False(stale.Changed);
        Assert.Equal(first.Alert, stale.Alert);

        await Store.AcknowledgeAlertAsync(opened.Id, "ops", Start.AddHours(1), null);
        AlertChange afterAck = await Store.EscalateAlertAsync(opened.Id, 1, Severity.Critical, Start.AddHours(2));
        Assert.False(afterAck.Changed);
        Assert.Equal((AlertState.Acknowledged, Severity.Alarm, 1, "ops"),
            (afterAck.Alert!.State, afterAck.Alert.Severity, afterAck.Alert.Escalations, afterAck.Alert.AcknowledgedBy));
    }

    [Fact]
    public async Task Moving_the_since_changes_nothing_else()
    {
        Alert opened = (await Store.OpenAlertAsync(NewAlert("move"))).Alert;
        await Store.AcknowledgeAlertAsync(opened.Id, "ops", Start.AddHours(1), "noted");
        Alert acked = (await Store.GetAlertAsync(opened.Id))!;
        AlertChange moved = await Store.MoveAlertSinceAsync(opened.Id, Start.AddMinutes(-20));
        Assert.True(moved.Changed);
        Assert.Equal(acked with { Since = Start.AddMinutes(-20), Version = acked.Version + 1 }, moved.Alert);
        Assert.Equal(moved.Alert, await Store.GetAlertAsync(opened.Id));
    }

    [Fact]
    public async Task Acknowledgements_resolutions_and_escalations_racing_from_two_store_instances_all_take_effect()
    {
        IRuleStore second = await OpenStoreAsync();
        try
        {
            for (int round = 0; round < 40; round++)
            {
                Alert opened = (await Store.OpenAlertAsync(NewAlert($"race-{round}") with { Severity = Severity.Warning })).Alert;
                // The operator on one gateway, that gateway's engine and another gateway's engine, in no set order.
                IRuleStore operatorStore = round % 2 == 0 ? Store : second;
                IRuleStore otherStore = round % 2 == 0 ? second : Store;
                Task<AlertChange> ack = Task.Run(() => operatorStore.AcknowledgeAlertAsync(opened.Id, "ops", Start.AddHours(1), $"round {round}"));
                Task<AlertChange> escalate = Task.Run(() => operatorStore.EscalateAlertAsync(opened.Id, 0, Severity.Alarm, Start.AddHours(1)));
                Task<AlertChange> resolve = Task.Run(() => otherStore.ResolveAlertAsync(opened.Id, Start.AddHours(2)));
                await Task.WhenAll(ack, escalate, resolve);
                (bool acked, bool escalated, bool resolved) = ((await ack).Changed, (await escalate).Changed, (await resolve).Changed);

                Alert after = (await second.GetAlertAsync(opened.Id))!;
                Assert.True(acked, $"round {round}: acknowledgement lost");
                Assert.True(resolved, $"round {round}: resolution lost");
                Assert.Equal(AlertState.Resolved, after.State);
                Assert.Equal(("ops", $"round {round}", Start.AddHours(1), Start.AddHours(2)),
                    (after.AcknowledgedBy, after.AcknowledgeNote, after.AcknowledgedAt, after.ResolvedAt));
                // Escalated only if it ran first: then it counts once and the severity says so.
                Assert.Equal(escalated ? (1, Severity.Alarm) : (0, Severity.Warning), (after.Escalations, after.Severity));
                Assert.Equal(escalated ? 3 : 2, after.Version);
            }
        }
        finally
        {
            if (second is IAsyncDisposable disposable && !ReferenceEquals(second, Store)) await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task Racing_read_modify_writes_that_retry_on_a_refusal_both_take_effect()
    {
        // Whole-alert updates from two instances, each re-reading after a refusal: nothing either wrote is undone.
        IRuleStore second = await OpenStoreAsync();
        try
        {
            for (int round = 0; round < 20; round++)
            {
                long id = (await Store.OpenAlertAsync(NewAlert($"rmw-{round}"))).Alert.Id;
                async Task WriteAsync(IRuleStore store, Func<Alert, Alert> change)
                {
                    while (await store.UpdateAlertAsync(change((await store.GetAlertAsync(id))!)) is null)
                    {
                    }
                }
                await Task.WhenAll(
                    Task.Run(() => WriteAsync(Store, a => a with { AcknowledgedBy = "ops", AcknowledgedAt = Start.AddHours(1) })),
                    Task.Run(() => WriteAsync(second, a => a with { State = AlertState.Resolved, ResolvedAt = Start.AddHours(2) })));

                Alert after = (await Store.GetAlertAsync(id))!;
                Assert.Equal(("ops", AlertState.Resolved, 2L), (after.AcknowledgedBy, after.State, after.Version));
            }
        }
        finally
        {
            if (second is IAsyncDisposable disposable && !ReferenceEquals(second, Store)) await disposable.DisposeAsync();
        }
    }

    private static void AssertAcknowledgedAndResolved(Alert after, Alert opened)
    {
        Assert.Equal(AlertState.Resolved, after.State);
        Assert.Equal(Start.AddHours(2), after.ResolvedAt);
        Assert.Equal(("ops", Start.AddHours(1), "door shut"), (after.AcknowledgedBy, after.AcknowledgedAt, after.AcknowledgeNote));
        // Nothing else moved.
        Assert.Equal(opened with { Version = 0 }, after with
        {
            State = AlertState.Open, ResolvedAt = null, AcknowledgedBy = null, AcknowledgedAt = null, AcknowledgeNote = null, Version = 0,
        });
        Assert.Equal(2, after.Version);
    }

    [Fact]
    public async Task An_excursion_is_updated_in_place_and_listed_when_it_overlaps()
    {
        var open = new Excursion { Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Start = Start, Peak = 9.1 };
        await Store.PutExcursionAsync(open);
        // Still open: it overlaps any range after its start.
        Assert.Equal([open], await Store.ListExcursionsAsync(Box, Start.AddDays(10), Start.AddDays(11)));
        Assert.Empty(await Store.ListExcursionsAsync(Box, Start.AddHours(-1), Start)); // [from, to) ends before it starts

        Excursion closed = open with { End = Start.AddHours(2), Peak = 11.5, Duration = TimeSpan.FromHours(2).Add(TimeSpan.FromTicks(7)) };
        await Store.PutExcursionAsync(closed);
        Assert.Equal([closed], await Store.ListExcursionsAsync(Box, Start.AddHours(1), Start.AddHours(3)));
        Assert.Empty(await Store.ListExcursionsAsync(Box, Start.AddHours(2), Start.AddHours(3))); // ended at "from"
        Assert.Empty(await Store.ListExcursionsAsync(Other, Start, Start.AddDays(1)));
        Assert.Empty(await Store.ListExcursionsAsync(Box with { Fleet = "globex" }, Start, Start.AddDays(1)));
    }

    [Fact]
    public async Task Deleting_an_excursion_removes_only_that_key()
    {
        var kept = new Excursion { Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Start = Start, End = Start.AddHours(3), Peak = 9.1, Duration = TimeSpan.FromHours(3) };
        Excursion superseded = kept with { Start = Start.AddHours(1), Duration = TimeSpan.FromHours(2) };
        Excursion otherBand = superseded with { Band = "temp_c_lower_2" };
        Excursion otherContainer = superseded with { Container = Other };
        foreach (Excursion e in new[] { kept, superseded, otherBand, otherContainer }) await Store.PutExcursionAsync(e);

        Assert.True(await Store.DeleteExcursionAsync(Box, "tag7", "temp_c_upper_8", Start.AddHours(1)));
        Assert.Equal([kept, otherBand], await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1)));
        Assert.Equal([otherContainer], await Store.ListExcursionsAsync(Other, Start, Start.AddDays(1)));

        // Already gone, or never there (start off by one tick, another fleet): nothing happens.
        Assert.False(await Store.DeleteExcursionAsync(Box, "tag7", "temp_c_upper_8", Start.AddHours(1)));
        Assert.False(await Store.DeleteExcursionAsync(Box, "tag7", "temp_c_upper_8", Start.AddTicks(1)));
        Assert.False(await Store.DeleteExcursionAsync(Box with { Fleet = "globex" }, "tag7", "temp_c_upper_8", Start));
        Assert.Equal([kept, otherBand], await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1)));

        // The same key can be written again after a delete (a replay of the readings that made it).
        await Store.PutExcursionAsync(superseded);
        Assert.Equal(3, (await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1))).Count);
    }

    [Fact]
    public async Task Two_tags_of_a_container_keep_an_excursion_each_with_the_same_band_and_start()
    {
        // Tags of one container sample on the same grid, so their excursions can begin at the same reading time.
        var first = new Excursion { Container = Box, Tag = "tag7", Band = "temp_c_upper_8", Start = Start, Peak = 9.1, Duration = TimeSpan.FromMinutes(5) };
        Excursion second = first with { Tag = "tag8", Peak = 10.2, End = Start.AddHours(1), Duration = TimeSpan.FromHours(1) };
        await Store.PutExcursionAsync(first);
        await Store.PutExcursionAsync(second);
        Assert.Equal([first, second], await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1)));

        // Late data moves tag7's start earlier: its old key goes, tag8's (same band and start) stays.
        Excursion moved = first with { Start = Start.AddMinutes(-5), Duration = TimeSpan.FromMinutes(10) };
        await Store.PutExcursionAsync(moved);
        Assert.True(await Store.DeleteExcursionAsync(Box, "tag7", "temp_c_upper_8", Start));
        Assert.Equal([moved, second], await Store.ListExcursionsAsync(Box, Start.AddHours(-1), Start.AddDays(1)));
        Assert.False(await Store.DeleteExcursionAsync(Box, "tag9", "temp_c_upper_8", Start));
    }

    [Fact]
    public async Task Excursions_are_listed_oldest_first_then_by_band()
    {
        Excursion Make(string band, int hour) => new() { Container = Box, Tag = "tag7", Band = band, Start = Start.AddHours(hour), End = Start.AddHours(hour + 1), Peak = hour };
        Excursion[] all = [Make("temp_c_upper_8", 2), Make("rh_upper_95", 1), Make("temp_c_lower_2", 1), Make("Z_first_in_ordinal", 1)];
        foreach (Excursion e in all) await Store.PutExcursionAsync(e);
        await Store.PutExcursionAsync(Make("temp_c_upper_8", 2) with { Container = Other });

        IReadOnlyList<Excursion> listed = await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1));
        Assert.Equal(["Z_first_in_ordinal", "rh_upper_95", "temp_c_lower_2", "temp_c_upper_8"], listed.Select(e => e.Band));
        Assert.Equal(all.OrderBy(e => e.Start).ThenBy(e => e.Band, StringComparer.Ordinal), listed);
    }

    private async Task<byte[]?> SnapshotOf(ContainerKey container) => (await Store.LoadStateAsync(container))?.State;

    [Fact]
    public async Task State_snapshots_are_saved_replaced_and_listed()
    {
        Assert.Null(await SnapshotOf(Box));
        Assert.Empty(await Store.ListContainersAsync());

        byte[] snapshot = [1, 2, 3, 0, 255];
        await Store.SaveStateAsync(Box, snapshot);
        byte[] loaded = (await SnapshotOf(Box))!;
        Assert.Equal(snapshot, loaded);
        loaded[0] = 99; // the caller's copy: the stored snapshot does not change
        Assert.Equal(snapshot, await SnapshotOf(Box));

        byte[] big = new byte[200_000];
        Random.Shared.NextBytes(big);
        await Store.SaveStateAsync(Box, big);
        Assert.Equal(big, await SnapshotOf(Box));
        await Store.SaveStateAsync(Other, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(Array.Empty<byte>(), await SnapshotOf(Other)); // empty, not missing

        Assert.Equal([Box, Other], (await Store.ListContainersAsync()).OrderBy(k => k.Container, StringComparer.Ordinal));
        Assert.Null(await SnapshotOf(Box with { Fleet = "globex" }));
    }

    [Fact]
    public async Task Many_states_are_saved_at_once_replacing_older_ones()
    {
        await Store.SaveStatesAsync([]);
        Assert.Empty(await Store.ListContainersAsync());
        await Store.SaveStateAsync(Box, new byte[] { 9, 9 });

        byte[] backing = [7, 1, 2, 3, 7];
        ContainerKey[] keys = [.. Enumerable.Range(0, 300).Select(i => new ContainerKey("acme", $"C{i:D4}")), Box, Other];
        List<ContainerSnapshot> batch = [.. keys.Select((k, i) => new ContainerSnapshot(k, BitConverter.GetBytes(i)))];
        batch[^2] = new ContainerSnapshot(Box, backing.AsMemory(1, 3)); // a slice of a larger array: only the slice is stored
        batch[^1] = new ContainerSnapshot(Other, ReadOnlyMemory<byte>.Empty);
        await Store.SaveStatesAsync(batch);
        backing[1] = 99; // the store keeps its own copy

        Assert.Equal(keys.Length, (await Store.ListContainersAsync()).Count);
        Assert.Equal(BitConverter.GetBytes(123), await SnapshotOf(keys[123]));
        Assert.Equal(new byte[] { 1, 2, 3 }, await SnapshotOf(Box));
        Assert.Equal(Array.Empty<byte>(), await SnapshotOf(Other));

        // A second batch replaces what it names and leaves the rest.
        await Store.SaveStatesAsync([new ContainerSnapshot(keys[0], new byte[] { 42 }), new ContainerSnapshot(Box, new byte[] { 43 })]);
        Assert.Equal(new byte[] { 42 }, await SnapshotOf(keys[0]));
        Assert.Equal(new byte[] { 43 }, await SnapshotOf(Box));
        Assert.Equal(BitConverter.GetBytes(1), await SnapshotOf(keys[1]));
    }

    // ---- window chunks (issue 12): a stream's window saved in pieces beside the snapshot, in the same transaction

    private static WindowChunk Chunk(string tag, long number, params byte[] samples) => new(tag, number, samples);

    private async Task<string[]> ChunksOf(ContainerKey container) =>
        [.. (await Store.LoadStateAsync(container))!.Chunks.OrderBy(c => c.Tag, StringComparer.Ordinal).ThenBy(c => c.Number)
            .Select(c => $"{c.Tag}/{c.Number}:{string.Join(',', c.Samples.ToArray())}")];

    [Fact]
    public async Task Window_chunks_are_saved_replaced_pruned_and_read_with_their_snapshot()
    {
        byte[] source = [1, 2, 3];
        await Store.SaveStatesAsync([
            new ContainerSnapshot(Box, new byte[] { 9 }) { Chunks = new[] { Chunk("a", 0, source), Chunk("a", 1, 4), Chunk("a", 2, 5), Chunk("b", 7, 6) } },
            new ContainerSnapshot(Other, new byte[] { 8 }) { Chunks = new[] { Chunk("a", 0, 7) } },
        ]);
        source[0] = 99; // the store keeps its own copy
        Assert.Equal(["a/0:1,2,3", "a/1:4", "a/2:5", "b/7:6"], await ChunksOf(Box));
        Assert.Equal(new byte[] { 9 }, await SnapshotOf(Box));

        // Trimmed to chunks 1..3 of a, chunk 2 rewritten and 3 added; b and the other container untouched.
        await Store.SaveStatesAsync([new ContainerSnapshot(Box, new byte[] { 10 })
        {
            Ranges = new[] { new ChunkRange("a", 1, 3) }, Chunks = new[] { Chunk("a", 2, 50, 51), Chunk("a", 3, 60) },
        }]);
        Assert.Equal(["a/1:4", "a/2:50,51", "a/3:60", "b/7:6"], await ChunksOf(Box));
        Assert.Equal(new byte[] { 10 }, await SnapshotOf(Box));
        Assert.Equal(["a/0:7"], await ChunksOf(Other));

        // A range ending before it starts deletes every chunk of the tag; a range also deletes chunks after it.
        await Store.SaveStatesAsync([new ContainerSnapshot(Box, new byte[] { 11 }) { Ranges = new[] { new ChunkRange("b", 0, -1), new ChunkRange("a", 0, 1) } }]);
        Assert.Equal(["a/1:4"], await ChunksOf(Box));

        // A snapshot saved alone leaves the chunks; a container's chunks without a snapshot are not a state.
        await Store.SaveStateAsync(Box, new byte[] { 12 });
        Assert.Equal(["a/1:4"], await ChunksOf(Box));
        Assert.Null(await Store.LoadStateAsync(Box with { Fleet = "globex" }));
    }

    [Fact]
    public async Task A_save_of_many_containers_round_trips_every_state_and_chunk_exactly_whatever_their_names()
    {
        // Non-ASCII and empty names and tags, blobs of every length from 0: the SQLite store binds them itself (as UTF-8,
        // by position; an empty text or blob must not become NULL).
        string[] fleets = ["acme", "", "flèet-東京"];
        ContainerKey[] keys = [.. Enumerable.Range(0, 120).Select(i => new ContainerKey(fleets[i % 3], i % 7 == 0 ? $"É{i}" : $"C{i:D3}"))];
        string[] tags = ["tag-1", "", "täg"];
        byte[] Blob(int seed, int length) => [.. Enumerable.Range(0, length).Select(b => (byte)((seed * 31) + b))];
        ContainerSnapshot Snapshot(ContainerKey key, int i, int round) => new(key, Blob(i + round, (i * 13) % 300))
        {
            Chunks = Enumerable.Range(0, i % 4).Select(n => new WindowChunk(tags[(i + n) % 3], n + round, Blob(i + n + round, (n * 97 + i) % 200))).ToArray(),
            Ranges = round == 0 ? ReadOnlyMemory<ChunkRange>.Empty : tags.Select(t => new ChunkRange(t, round, round + 3)).ToArray(),
        };

        await Store.SaveStatesAsync([.. keys.Select((k, i) => Snapshot(k, i, 0))]);
        await Store.SaveStatesAsync([.. keys.Select((k, i) => Snapshot(k, i, 1)).Where((_, i) => i % 2 == 0)]);

        Assert.Equal(keys.Length, (await Store.ListContainersAsync()).Count);
        for (int i = 0; i < keys.Length; i++)
        {
            int round = i % 2 == 0 ? 1 : 0;
            ContainerSnapshot expected = Snapshot(keys[i], i, round);
            StoredState stored = (await Store.LoadStateAsync(keys[i]))!;
            Assert.Equal(expected.State.ToArray(), stored.State);
            // Round 1 pruned each tag to chunks 1..4: round 0's chunk 0 went, its others (numbered 1 and 2) stayed unless replaced.
            var chunks = new Dictionary<(string, long), byte[]>();
            if (round == 1)
            {
                foreach (WindowChunk c in Snapshot(keys[i], i, 0).Chunks.Span) if (c.Number >= 1) chunks[(c.Tag, c.Number)] = c.Samples.ToArray();
            }
            foreach (WindowChunk c in expected.Chunks.Span) chunks[(c.Tag, c.Number)] = c.Samples.ToArray();
            Assert.Equal(
                chunks.OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2).Select(c => $"{c.Key.Item1}/{c.Key.Item2}:{Convert.ToHexString(c.Value)}"),
                stored.Chunks.OrderBy(c => c.Tag, StringComparer.Ordinal).ThenBy(c => c.Number).Select(c => $"{c.Tag}/{c.Number}:{Convert.ToHexString(c.Samples.Span)}"));
        }
    }

    [Fact]
    public async Task A_save_that_fails_midway_leaves_the_previous_save_whole()
    {
        await Store.SaveStatesAsync([
            new ContainerSnapshot(Box, new byte[] { 1 }) { Chunks = new[] { Chunk("a", 0, 1), Chunk("a", 1, 2) } },
            new ContainerSnapshot(Other, new byte[] { 2 }) { Chunks = new[] { Chunk("a", 0, 3) } },
        ]);

        // The second container cannot be read: the first one's snapshot, prune and chunk were written in the same
        // transaction, which must not commit.
        var failing = new FailingAfterFirst(new ContainerSnapshot(Box, new byte[] { 5 })
        {
            Ranges = new[] { new ChunkRange("a", 1, 2) }, Chunks = new[] { Chunk("a", 1, 20), Chunk("a", 2, 30) },
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveStatesAsync(failing));
        Assert.True(failing.Read, "the store got as far as the first container");

        Assert.Equal(new byte[] { 1 }, await SnapshotOf(Box));
        Assert.Equal(["a/0:1", "a/1:2"], await ChunksOf(Box));
        Assert.Equal(["a/0:3"], await ChunksOf(Other));
    }

    /// <summary>A batch of two whose second container throws when it is reached (after the first was handed out).</summary>
    private sealed class FailingAfterFirst(ContainerSnapshot first) : IReadOnlyList<ContainerSnapshot>
    {
        public bool Read { get; private set; }

        public int Count => 2;

        public ContainerSnapshot this[int index] => index == 0 ? first : throw new InvalidOperationException("unreadable");

        public IEnumerator<ContainerSnapshot> GetEnumerator()
        {
            Read = true;
            yield return first;
            throw new InvalidOperationException("unreadable");
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    // ---- the transactional outbox (issue 12): notified alert writes owe their notification, in the same transaction

    private static readonly Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> TakeAll =
        (owed, _) => Task.FromResult<IReadOnlyCollection<long>>([.. owed.Select(e => e.Seq)]);

    [Fact]
    public async Task Every_notified_alert_change_owes_one_notification_with_the_alert_as_stored_after_it()
    {
        Assert.Empty(await Store.ListAlertEventsAsync(100));
        DateTimeOffset ack = Start.AddHours(1), escalated = Start.AddHours(2), resolved = Start.AddHours(3);
        Alert opened = (await Store.OpenAlertAsync(NewAlert("k") with { Value = 8.123456789012345, Limit = 8, Tag = "tag7", Late = TimeSpan.FromTicks(12345) })).Alert;
        await Store.OpenAlertAsync(NewAlert("k")); // a replay: nothing changed, nothing owed
        AlertChange esc = await Store.EscalateAlertAsync(opened.Id, 0, Severity.Critical, escalated);
        await Store.EscalateAlertAsync(opened.Id, 0, Severity.Critical, escalated); // stale: not applied, not owed
        await Store.MoveAlertSinceAsync(opened.Id, Start.AddMinutes(-5)); // a correction: not notified
        AlertChange acked = await Store.AcknowledgeAlertAsync(opened.Id, "op", ack, "seen");
        await Store.AcknowledgeAlertAsync(opened.Id, "other", ack, null); // the first acknowledgement stands
        AlertChange res = await Store.ResolveAlertAsync(opened.Id, resolved);
        await Store.ResolveAlertAsync(opened.Id, resolved.AddHours(1)); // resolved already
        Alert current = (await Store.GetAlertAsync(opened.Id))!;
        Assert.NotNull(await Store.UpdateAlertAsync(current with { Message = "edited" })); // a whole-alert edit: not notified

        IReadOnlyList<AlertEvent> owed = await Store.ListAlertEventsAsync(100);
        Assert.Equal([AlertTransition.Raised, AlertTransition.Escalated, AlertTransition.Acknowledged, AlertTransition.Resolved],
            owed.Select(e => e.Notification!.Transition));
        Assert.True(owed.Zip(owed.Skip(1)).All(p => p.First.Seq < p.Second.Seq), "seqs ascend in the order of the changes");
        Assert.Equal([opened.RaisedAt, escalated, ack, resolved], owed.Select(e => e.Notification!.At));
        // The alert as stored right after each change (every field, exact doubles and ticks included), not as it is now.
        Assert.Equal(opened, owed[0].Notification!.Alert);
        Assert.Equal(8.123456789012345, owed[0].Notification!.Alert.Value);
        Assert.Equal(esc.Alert, owed[1].Notification!.Alert);
        Assert.Equal(acked.Alert, owed[2].Notification!.Alert);
        Assert.Equal(res.Alert, owed[3].Notification!.Alert);
        Assert.Equal(AlertState.Open, owed[1].Notification!.Alert.State);
        Assert.Equal(Severity.Critical, owed[1].Notification!.Alert.Severity);
        Assert.Equal(Start, owed[2].Notification!.Alert.Since.AddMinutes(5)); // the moved since, as stored when acknowledged
        Assert.Equal(2, (await Store.ListAlertEventsAsync(2)).Count);
        Assert.Empty(await Store.ListAlertEventsAsync(0));
    }

    [Fact]
    public async Task A_dispatch_round_hands_owed_notifications_over_in_order_and_forgets_only_what_was_taken()
    {
        Assert.Equal(0, await Store.DispatchAlertEventsAsync(10, (_, _) => throw new InvalidOperationException("nothing owed: not called")));
        long[] ids = new long[5];
        for (int i = 0; i < ids.Length; i++) ids[i] = (await Store.OpenAlertAsync(NewAlert($"k{i}"))).Alert.Id;
        await Store.ResolveAlertAsync(ids[0], Start.AddHours(1));

        // A round is limited and in seq order; what deliver does not return stays owed, in its place.
        List<long> seen = [], handedOut = [];
        int forgotten = await Store.DispatchAlertEventsAsync(3, (owed, _) =>
        {
            seen.AddRange(owed.Select(e => e.Notification!.Alert.Id));
            handedOut.AddRange(owed.Select(e => e.Seq));
            return Task.FromResult<IReadOnlyCollection<long>>([owed[0].Seq, owed[2].Seq]);
        });
        Assert.Equal(2, forgotten);
        Assert.Equal(ids[..3], seen);
        Assert.Equal([ids[1], ids[3], ids[4], ids[0]], (await Store.ListAlertEventsAsync(10)).Select(e => e.Notification!.Alert.Id));

        // A deliver that throws forgets nothing.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.DispatchAlertEventsAsync(10, (_, _) => throw new InvalidOperationException("sink down")));
        Assert.Equal(4, (await Store.ListAlertEventsAsync(10)).Count);

        // Seqs that are not owed (forgotten already, or never) are ignored.
        Assert.Equal(4, await Store.DispatchAlertEventsAsync(10, (owed, _) =>
        {
            handedOut.AddRange(owed.Select(e => e.Seq));
            return Task.FromResult<IReadOnlyCollection<long>>([.. owed.Select(e => e.Seq), -1, 999_999]);
        }));
        Assert.Empty(await Store.ListAlertEventsAsync(10));
        Assert.Equal(0, await Store.DispatchAlertEventsAsync(10, TakeAll));

        // A change after everything was forgotten gets a seq above every one handed out before (a seq is never reused).
        await Store.AcknowledgeAlertAsync(ids[1], "op", Start.AddHours(2), null);
        AlertEvent next = Assert.Single(await Store.ListAlertEventsAsync(10));
        Assert.Equal(AlertTransition.Acknowledged, next.Notification!.Transition);
        Assert.True(next.Seq > handedOut.Max(), $"seq {next.Seq} reused");
    }

    [Fact]
    public async Task Owed_notifications_are_seen_by_every_instance_and_outlive_it()
    {
        Alert opened = (await Store.OpenAlertAsync(NewAlert("k"))).Alert;
        IRuleStore second = await OpenStoreAsync();
        try
        {
            AlertEvent owed = Assert.Single(await second.ListAlertEventsAsync(10));
            Assert.Equal(opened, owed.Notification!.Alert);
            Assert.Equal(1, await second.DispatchAlertEventsAsync(10, TakeAll));
            Assert.Empty(await Store.ListAlertEventsAsync(10));
        }
        finally
        {
            if (!ReferenceEquals(second, Store) && second is IAsyncDisposable d) await d.DisposeAsync();
        }
    }

    [Fact]
    public async Task Concurrent_writers_each_owe_their_change_once()
    {
        long[] ids = new long[20];
        for (int i = 0; i < ids.Length; i++) ids[i] = (await Store.OpenAlertAsync(NewAlert($"c{i}"))).Alert.Id;
        await Store.DispatchAlertEventsAsync(100, TakeAll);
        IRuleStore second = await OpenStoreAsync();
        try
        {
            // Two parties resolve and acknowledge every alert at once, each twice: each change is owed exactly once.
            await Task.WhenAll(ids.SelectMany(id => new[]
            {
                Task.Run(() => Store.ResolveAlertAsync(id, Start.AddHours(1))),
                Task.Run(() => second.ResolveAlertAsync(id, Start.AddHours(1))),
                Task.Run(() => Store.AcknowledgeAlertAsync(id, "a", Start.AddHours(1), null)),
                Task.Run(() => second.AcknowledgeAlertAsync(id, "b", Start.AddHours(1), null)),
            }));
            IReadOnlyList<AlertEvent> owed = await Store.ListAlertEventsAsync(1000);
            Assert.Equal(ids.Length * 2, owed.Count);
            foreach (long id in ids)
            {
                Assert.Equal([AlertTransition.Acknowledged, AlertTransition.Resolved],
                    owed.Where(e => e.Notification!.Alert.Id == id).Select(e => e.Notification!.Transition).Order());
            }
        }
        finally
        {
            if (!ReferenceEquals(second, Store) && second is IAsyncDisposable d) await d.DisposeAsync();
        }
    }

    // ---- predictive warnings through the outbox (issue 12, branch warn12): recorded by key, owed in one order with alerts

    private static PredictiveWarning NewWarning(string band = "temp_c_upper_8", DateTimeOffset? issued = null, ContainerKey? container = null) => new()
    {
        Container = container ?? Box, Tag = "tag7", Band = band, Kind = "temp_high", Severity = Severity.Alarm, Limit = 8,
        PredictedBreach = Start.AddMinutes(90), PredictedAlarm = Start.AddMinutes(120), SlopePerHour = 1.2345678901234567, Level = 6.2,
        Points = 19, Confidence = 0.875, IssuedAt = issued ?? Start, UpdatedAt = (issued ?? Start).AddMinutes(5),
    };

    [Fact]
    public async Task A_warnings_issue_and_end_are_recorded_once_each_and_owed_in_order_with_the_alert_changes()
    {
        PredictiveWarning warning = NewWarning();
        var issued = new WarningNotification(WarningTransition.Issued, warning, Start.AddMinutes(1));
        var ended = new WarningNotification(WarningTransition.Ended, warning with { UpdatedAt = Start.AddMinutes(30) }, Start.AddMinutes(31),
            WarningNotification.AlarmFired);

        Alert alert = (await Store.OpenAlertAsync(NewAlert("a"))).Alert;
        Assert.True(await Store.RecordWarningAsync(issued));
        Assert.False(await Store.RecordWarningAsync(issued with { At = Start.AddMinutes(2) })); // a replay of the issue
        await Store.ResolveAlertAsync(alert.Id, Start.AddMinutes(20));
        Assert.True(await Store.RecordWarningAsync(ended));
        Assert.False(await Store.RecordWarningAsync(ended)); // a replay of the end
        Assert.False(await Store.RecordWarningAsync(issued)); // the issue replayed after the end: the same warning, over
        // Another warning of the band (issued later: another key) is a warning of its own.
        var next = new WarningNotification(WarningTransition.Issued, NewWarning(issued: Start.AddHours(2)), Start.AddHours(2));
        Assert.True(await Store.RecordWarningAsync(next));

        IReadOnlyList<AlertEvent> owed = await Store.ListAlertEventsAsync(100);
        Assert.Equal(["alert Raised", "warning Issued", "alert Resolved", "warning Ended", "warning Issued"],
            owed.Select(e => e.Warning is { } w ? $"warning {w.Transition}" : $"alert {e.Notification!.Transition}"));
        Assert.True(owed.Zip(owed.Skip(1)).All(p => p.First.Seq < p.Second.Seq), "seqs ascend in the order of the records");
        Assert.All(owed, e => Assert.True(e.Notification is null != e.Warning is null, "exactly one of the two"));
        // The warning as recorded (every field, exact doubles included), its time and reason.
        Assert.Equal(issued, owed[1].Warning);
        Assert.Equal(ended, owed[3].Warning);
        Assert.Equal(next, owed[4].Warning);

        // A round hands warnings out with the alerts, in seq order, and forgets what was taken.
        List<long> seen = [];
        Assert.Equal(5, await Store.DispatchAlertEventsAsync(10, (events, _) =>
        {
            seen.AddRange(events.Select(e => e.Seq));
            return Task.FromResult<IReadOnlyCollection<long>>([.. events.Select(e => e.Seq)]);
        }));
        Assert.Equal(owed.Select(e => e.Seq), seen);
        Assert.Empty(await Store.ListAlertEventsAsync(10));
        Assert.False(await Store.RecordWarningAsync(ended)); // delivered and forgotten: still recorded, never owed again
    }

    [Fact]
    public async Task The_end_of_a_warning_whose_issue_was_never_recorded_is_recorded_once()
    {
        // In force when the gateway was upgraded to recording warnings: its end is still told, once.
        var ended = new WarningNotification(WarningTransition.Ended, NewWarning(), Start.AddMinutes(31), WarningNotification.TrendChanged);
        Assert.True(await Store.RecordWarningAsync(ended));
        Assert.False(await Store.RecordWarningAsync(ended));
        Assert.False(await Store.RecordWarningAsync(ended with { Transition = WarningTransition.Issued, Reason = null }));
        AlertEvent owed = Assert.Single(await Store.ListAlertEventsAsync(10));
        Assert.Equal(ended, owed.Warning);
    }

    [Fact]
    public async Task Warnings_recorded_by_two_instances_at_once_are_owed_once_each()
    {
        PredictiveWarning[] warnings = [.. Enumerable.Range(0, 20).Select(i => NewWarning(band: $"b{i}"))];
        IRuleStore second = await OpenStoreAsync();
        try
        {
            // Two gateways replaying the same issues and ends at once (a takeover racing a stalled owner, unfenced here).
            bool[][] results = await Task.WhenAll(warnings.SelectMany(w => new[] { Store, second }.Select(store => Task.Run(async () => new[]
            {
                await store.RecordWarningAsync(new WarningNotification(WarningTransition.Issued, w, Start.AddMinutes(1))),
                await store.RecordWarningAsync(new WarningNotification(WarningTransition.Ended, w, Start.AddMinutes(2), WarningNotification.TrendChanged)),
            }))));
            Assert.Equal(warnings.Length * 2, results.Sum(r => r.Count(recorded => recorded)));
            IReadOnlyList<AlertEvent> owed = await second.ListAlertEventsAsync(1000);
            foreach (PredictiveWarning w in warnings)
            {
                Assert.Equal([WarningTransition.Issued, WarningTransition.Ended], owed.Where(e => e.Warning!.Warning.Band == w.Band).Select(e => e.Warning!.Transition));
            }
        }
        finally
        {
            if (!ReferenceEquals(second, Store) && second is IAsyncDisposable d) await d.DisposeAsync();
        }
    }
}
