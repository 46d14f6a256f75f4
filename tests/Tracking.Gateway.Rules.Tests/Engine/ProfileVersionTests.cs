using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12: the engine reads the store's profile version once per ProfileRefresh and looks a container's profile up
/// again only when it changed (a store without a version: every container once per period, as before). A change must
/// still apply: by any writer within a refresh period, through the API (which invalidates) at the next batch.
/// </summary>
public sealed class ProfileVersionTests : IDisposable
{
    private static readonly TimeSpan Refresh = new RulesOptions().ProfileRefresh;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"rules-version-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static RuleEngine Engine(IRuleStore store, ManualTimeProvider time) =>
        new(store, [], Options.Create(new RulesOptions()), time);

    private static async Task SetUpAsync(IRuleStore store, double limit)
    {
        await store.PutProfileAsync(OneBand(Upper(limit)));
        await store.AssignProfileAsync(Box, "test");
    }

    private static Task<IReadOnlyList<Alert>> AlertsAsync(IRuleStore store) => store.ListAlertsAsync(new AlertQuery());

    [Fact]
    public async Task An_unchanged_profile_is_not_looked_up_again_per_container_after_each_refresh_period()
    {
        var counting = new CountingRuleStore(new InMemoryRuleStore());
        await SetUpAsync(counting, 30);
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(counting, time);

        await engine.ProcessAsync([R(0, 5)]);
        (int assignments, int profiles) = (counting.AssignmentLists, counting.ProfileLists);
        for (uint i = 1; i <= 5; i++)
        {
            time.Advance(Refresh * 2); // readings 2 refresh periods apart: before, each one looked the profile up again
            await engine.ProcessAsync([R(i, 5)]);
        }

        Assert.Equal((1, 1), (assignments, profiles));
        Assert.Equal((assignments, profiles), (counting.AssignmentLists, counting.ProfileLists));
        Assert.Equal((0, 0), (counting.AssignedLookups, counting.ProfileLookups)); // never one container at a time
        Assert.Equal(6, counting.VersionReads); // one per refresh period instead
    }

    [Fact]
    public async Task A_fleet_of_new_containers_is_looked_up_in_one_read_of_the_store_not_one_per_container()
    {
        var counting = new CountingRuleStore(new InMemoryRuleStore());
        await counting.PutProfileAsync(OneBand(Upper(8)));
        await counting.AssignProfileAsync(ContainerKey.DefaultOf(Box.Fleet), "test");
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(counting, time);

        // 1,000 containers the engine has never seen, in one batch: each used to cost its own assignment, profile and
        // trips look-ups (3,000 store calls, each a connection and a query on SQLite).
        RuleInput[] batch = [.. Enumerable.Range(0, 1000).Select(i =>
            RuleInput.Reading(new ContainerKey(Box.Fleet, $"C{i:D6}"), Tag, 1, 0, Ms(0), i == 7 ? 12 : 5, double.NaN))];
        await engine.ProcessAsync(batch);

        Assert.Equal((1, 1), (counting.AssignmentLists, counting.ProfileLists));
        Assert.Equal((0, 0, 0), (counting.AssignedLookups, counting.ProfileLookups, counting.TripLists));
        // And the fleet default is in force for each of them: the one reading over 8 raised its alarm.
        Alert alert = Assert.Single(await AlertsAsync(counting));
        Assert.Equal(("C000007", "temp_high"), (alert.Container.Container, alert.Kind));
    }

    [Fact]
    public async Task A_store_without_a_version_has_each_container_looked_up_again_after_a_refresh_period()
    {
        var counting = new CountingRuleStore(new InMemoryRuleStore(), versioned: false);
        await SetUpAsync(counting, 30);
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(counting, time);

        await engine.ProcessAsync([R(0, 5)]);
        time.Advance(Refresh / 2);
        await engine.ProcessAsync([R(1, 5)]);
        Assert.Equal(1, counting.AssignmentLists);
        time.Advance(Refresh);
        await engine.ProcessAsync([R(2, 5)]);
        Assert.Equal(2, counting.AssignmentLists);
    }

    [Fact]
    public async Task A_profile_changed_in_the_store_applies_once_the_version_is_read_again()
    {
        var counting = new CountingRuleStore(new InMemoryRuleStore());
        await SetUpAsync(counting, 30);
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(counting, time);
        await engine.ProcessAsync([R(0, 10)]);

        await counting.PutProfileAsync(OneBand(Upper(8)));
        time.Advance(TimeSpan.FromSeconds(1));
        await engine.ProcessAsync([R(1, 10)]);
        Assert.Empty(await AlertsAsync(counting)); // within the period, not invalidated: the profile held is used

        time.Advance(Refresh);
        await engine.ProcessAsync([R(2, 12)]);
        Assert.Equal("temp_high", Assert.Single(await AlertsAsync(counting)).Kind);
    }

    [Fact]
    public async Task An_invalidation_applies_a_changed_profile_to_the_next_batch()
    {
        var counting = new CountingRuleStore(new InMemoryRuleStore());
        await SetUpAsync(counting, 30);
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(counting, time);
        await engine.ProcessAsync([R(0, 10)]);

        await counting.PutProfileAsync(OneBand(Upper(8), name: "strict"));
        await counting.AssignProfileAsync(Box, "strict");
        await engine.InvalidateProfilesAsync();
        time.Advance(TimeSpan.FromSeconds(1)); // well within the period: only the invalidation makes it read again
        await engine.ProcessAsync([R(1, 12)]);

        Assert.Equal("temp_high", Assert.Single(await AlertsAsync(counting)).Kind);
    }

    [Fact]
    public async Task On_SQLite_a_change_by_another_writer_of_the_file_applies_within_a_refresh_period()
    {
        string path = Path.Combine(_directory, "rules.db");
        await using SqliteRuleStore store = await SqliteRuleStore.OpenAsync(path, TimeSpan.FromSeconds(5));
        await SetUpAsync(store, 30);
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(store, time);
        await engine.ProcessAsync([R(0, 10)]);

        // Another process on the same file: this store object never sees the write, the file's triggers do.
        await using (SqliteRuleStore other = await SqliteRuleStore.OpenAsync(path, TimeSpan.FromSeconds(5)))
        {
            await other.PutProfileAsync(OneBand(Upper(8)));
        }
        time.Advance(TimeSpan.FromSeconds(1));
        await engine.ProcessAsync([R(1, 10)]);
        Assert.Empty(await AlertsAsync(store));

        time.Advance(Refresh);
        await engine.ProcessAsync([R(2, 12)]);
        Assert.Equal("temp_high", Assert.Single(await AlertsAsync(store)).Kind);
    }

    [Fact]
    public async Task A_silent_containers_changed_limit_still_applies_through_the_timer()
    {
        var counting = new CountingRuleStore(new InMemoryRuleStore());
        Profile watched = OneBand(Upper(30)) with { Silence = TimeSpan.FromHours(2) };
        await counting.PutProfileAsync(watched);
        await counting.AssignProfileAsync(Box, "test");
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = Engine(counting, time);
        await engine.ProcessAsync([R(0, 5)]);

        await counting.PutProfileAsync(watched with { Silence = TimeSpan.FromMinutes(30) });
        time.Advance(TimeSpan.FromMinutes(31));
        await engine.CheckTimersAsync();

        Assert.Equal("tag_silent", Assert.Single(await AlertsAsync(counting)).Kind);
    }
}
