using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

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
        Assert.Equal(acknowledged, await Store.UpdateAlertAsync(acknowledged));
        Assert.Equal(acknowledged, await Store.GetAlertAsync(opened.Id));
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
    public async Task An_excursion_is_updated_in_place_and_listed_when_it_overlaps()
    {
        var open = new Excursion { Container = Box, Band = "temp_c_upper_8", Start = Start, Peak = 9.1 };
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
        var kept = new Excursion { Container = Box, Band = "temp_c_upper_8", Start = Start, End = Start.AddHours(3), Peak = 9.1, Duration = TimeSpan.FromHours(3) };
        Excursion superseded = kept with { Start = Start.AddHours(1), Duration = TimeSpan.FromHours(2) };
        Excursion otherBand = superseded with { Band = "temp_c_lower_2" };
        Excursion otherContainer = superseded with { Container = Other };
        foreach (Excursion e in new[] { kept, superseded, otherBand, otherContainer }) await Store.PutExcursionAsync(e);

        Assert.True(await Store.DeleteExcursionAsync(Box, "temp_c_upper_8", Start.AddHours(1)));
        Assert.Equal([kept, otherBand], await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1)));
        Assert.Equal([otherContainer], await Store.ListExcursionsAsync(Other, Start, Start.AddDays(1)));

        // Already gone, or never there (start off by one tick, another fleet): nothing happens.
        Assert.False(await Store.DeleteExcursionAsync(Box, "temp_c_upper_8", Start.AddHours(1)));
        Assert.False(await Store.DeleteExcursionAsync(Box, "temp_c_upper_8", Start.AddTicks(1)));
        Assert.False(await Store.DeleteExcursionAsync(Box with { Fleet = "globex" }, "temp_c_upper_8", Start));
        Assert.Equal([kept, otherBand], await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1)));

        // The same key can be written again after a delete (a replay of the readings that made it).
        await Store.PutExcursionAsync(superseded);
        Assert.Equal(3, (await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1))).Count);
    }

    [Fact]
    public async Task Excursions_are_listed_oldest_first_then_by_band()
    {
        Excursion Make(string band, int hour) => new() { Container = Box, Band = band, Start = Start.AddHours(hour), End = Start.AddHours(hour + 1), Peak = hour };
        Excursion[] all = [Make("temp_c_upper_8", 2), Make("rh_upper_95", 1), Make("temp_c_lower_2", 1), Make("Z_first_in_ordinal", 1)];
        foreach (Excursion e in all) await Store.PutExcursionAsync(e);
        await Store.PutExcursionAsync(Make("temp_c_upper_8", 2) with { Container = Other });

        IReadOnlyList<Excursion> listed = await Store.ListExcursionsAsync(Box, Start, Start.AddDays(1));
        Assert.Equal(["Z_first_in_ordinal", "rh_upper_95", "temp_c_lower_2", "temp_c_upper_8"], listed.Select(e => e.Band));
        Assert.Equal(all.OrderBy(e => e.Start).ThenBy(e => e.Band, StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task State_snapshots_are_saved_replaced_and_listed()
    {
        Assert.Null(await Store.LoadStateAsync(Box));
        Assert.Empty(await Store.ListContainersAsync());

        byte[] snapshot = [1, 2, 3, 0, 255];
        await Store.SaveStateAsync(Box, snapshot);
        byte[] loaded = (await Store.LoadStateAsync(Box))!;
        Assert.Equal(snapshot, loaded);
        loaded[0] = 99; // the caller's copy: the stored snapshot does not change
        Assert.Equal(snapshot, await Store.LoadStateAsync(Box));

        byte[] big = new byte[200_000];
        Random.Shared.NextBytes(big);
        await Store.SaveStateAsync(Box, big);
        Assert.Equal(big, await Store.LoadStateAsync(Box));
        await Store.SaveStateAsync(Other, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(Array.Empty<byte>(), await Store.LoadStateAsync(Other)); // empty, not missing

        Assert.Equal([Box, Other], (await Store.ListContainersAsync()).OrderBy(k => k.Container, StringComparer.Ordinal));
        Assert.Null(await Store.LoadStateAsync(Box with { Fleet = "globex" }));
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
        Assert.Equal(BitConverter.GetBytes(123), await Store.LoadStateAsync(keys[123]));
        Assert.Equal(new byte[] { 1, 2, 3 }, await Store.LoadStateAsync(Box));
        Assert.Equal(Array.Empty<byte>(), await Store.LoadStateAsync(Other));

        // A second batch replaces what it names and leaves the rest.
        await Store.SaveStatesAsync([new ContainerSnapshot(keys[0], new byte[] { 42 }), new ContainerSnapshot(Box, new byte[] { 43 })]);
        Assert.Equal(new byte[] { 42 }, await Store.LoadStateAsync(keys[0]));
        Assert.Equal(new byte[] { 43 }, await Store.LoadStateAsync(Box));
        Assert.Equal(BitConverter.GetBytes(1), await Store.LoadStateAsync(keys[1]));
    }
}
