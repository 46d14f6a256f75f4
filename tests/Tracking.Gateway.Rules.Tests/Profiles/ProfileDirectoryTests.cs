using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Gateway.Rules.Trips;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Profiles;

/// <summary>
/// The assignments, profiles and trip containers held in memory (issue 11/12: a new container cost the engine, the live
/// view and the config publisher their own store calls each): one read serves every container, a write shows at once
/// after an invalidation and within a refresh period otherwise, a failed read is not served.
/// </summary>
public sealed class ProfileDirectoryTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private static readonly ContainerKey Other = new(Box.Fleet, "MSCU1234566");

    private static async Task<CountingRuleStore> StoreAsync(bool versioned = true)
    {
        var store = new CountingRuleStore(new InMemoryRuleStore(), versioned);
        await store.PutProfileAsync(OneBand(Upper(8), name: "own"));
        await store.PutProfileAsync(OneBand(Upper(25), name: "fleet"));
        await store.AssignProfileAsync(Box, "own");
        await store.AssignProfileAsync(ContainerKey.DefaultOf(Box.Fleet), "fleet");
        return store;
    }

    [Fact]
    public async Task One_read_of_the_store_serves_every_container_own_row_first_then_the_fleet_default()
    {
        CountingRuleStore store = await StoreAsync();
        var directory = new ProfileDirectory(store, Refresh, new ManualTimeProvider(T0));

        Assert.Equal("own", await directory.AssignedProfileAsync(Box));
        Assert.Equal("fleet", await directory.AssignedProfileAsync(Other));
        for (int i = 0; i < 500; i++) Assert.Equal("fleet", await directory.AssignedProfileAsync(new ContainerKey(Box.Fleet, $"C{i}")));
        Assert.Null(await directory.AssignedProfileAsync(new ContainerKey("globex", Box.Container)));
        Assert.Equal(8, (await directory.GetProfileAsync("own"))!.Bands[0].Limit);
        Assert.Null(await directory.GetProfileAsync("pharma_2_8")); // a preset is not stored: the caller falls back to it
        Assert.Same(await directory.GetProfileAsync("own"), await directory.GetProfileAsync("own"));

        Assert.Equal((1, 1, 1), (directory.Reads, store.AssignmentLists, store.ProfileLists));
        Assert.Equal((0, 0), (store.AssignedLookups, store.ProfileLookups));
    }

    [Fact]
    public async Task An_invalidation_shows_a_write_at_the_next_look_up()
    {
        CountingRuleStore store = await StoreAsync();
        var directory = new ProfileDirectory(store, Refresh, new ManualTimeProvider(T0));
        Assert.Equal("fleet", await directory.AssignedProfileAsync(Other));

        await store.AssignProfileAsync(Other, "own");
        Assert.Equal("fleet", await directory.AssignedProfileAsync(Other)); // not told, within the period: what it holds
        directory.Invalidate();
        Assert.Equal("own", await directory.AssignedProfileAsync(Other));
        Assert.Equal(2, directory.Reads);
    }

    [Fact]
    public async Task Another_writers_change_shows_within_a_version_check_and_an_unchanged_version_reads_nothing_more()
    {
        CountingRuleStore store = await StoreAsync();
        var time = new ManualTimeProvider(T0);
        var directory = new ProfileDirectory(store, Refresh, time);
        Assert.Equal("own", await directory.AssignedProfileAsync(Box));

        time.Advance(Refresh * 3);
        Assert.Equal("own", await directory.AssignedProfileAsync(Box));
        Assert.Equal((1, 2), (directory.Reads, store.VersionReads)); // the version read again, unchanged: no lists

        await store.PutProfileAsync(OneBand(Upper(2), name: "own"));
        time.Advance(ProfileDirectory.VersionCheck - TimeSpan.FromMilliseconds(1));
        Assert.Equal(8, (await directory.GetProfileAsync("own"))!.Bands[0].Limit);
        Assert.Equal(2, store.VersionReads); // within the check interval: not even the version
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await directory.GetProfileAsync("own"))!.Bands[0].Limit);
        Assert.Equal(2, directory.Reads);
    }

    [Fact]
    public async Task A_store_without_a_version_is_read_again_every_half_period()
    {
        CountingRuleStore store = await StoreAsync(versioned: false);
        var time = new ManualTimeProvider(T0);
        var directory = new ProfileDirectory(store, Refresh, time);
        Assert.Null(await directory.VersionAsync());

        await store.AssignProfileAsync(Other, "own");
        time.Advance(Refresh / 2 - TimeSpan.FromSeconds(1));
        Assert.Equal("fleet", await directory.AssignedProfileAsync(Other));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("own", await directory.AssignedProfileAsync(Other));
        Assert.Equal(2, store.AssignmentLists);
    }

    [Fact]
    public async Task Only_a_container_with_trips_has_its_trips_read_from_the_store()
    {
        CountingRuleStore store = await StoreAsync();
        var directory = new ProfileDirectory(store, Refresh, new ManualTimeProvider(T0));
        Trip trip = (await store.StartTripAsync(new Trip { Container = Box, Start = T0, Profile = "own", CreatedAt = T0 })).Trip!;

        Assert.Equal([trip], await directory.ListTripsAsync(Box));
        Assert.Empty(await directory.ListTripsAsync(Other));
        for (int i = 0; i < 100; i++) Assert.Empty(await directory.ListTripsAsync(new ContainerKey(Box.Fleet, $"C{i}")));
        Assert.Equal(1, store.TripLists);

        // A trip started elsewhere: the directory learns of the container with the next read (here, told at once).
        await store.StartTripAsync(new Trip { Container = Other, Start = T0, Profile = "fleet", CreatedAt = T0 });
        directory.Invalidate();
        Assert.Single(await directory.ListTripsAsync(Other));
    }

    [Fact]
    public async Task A_failed_read_is_thrown_to_the_caller_and_the_next_look_up_reads_again()
    {
        var failing = new FailingOnceStore(await StoreAsync());
        var directory = new ProfileDirectory(failing, Refresh, new ManualTimeProvider(T0));

        await Assert.ThrowsAsync<IOException>(() => directory.AssignedProfileAsync(Box).AsTask());
        Assert.Equal("own", await directory.AssignedProfileAsync(Box));
        Assert.Equal(1, directory.Reads);
    }

    [Fact]
    public async Task Look_ups_that_arrive_during_a_read_wait_for_it_instead_of_reading_too()
    {
        var gated = new GatedStore(await StoreAsync());
        var directory = new ProfileDirectory(gated, Refresh, new ManualTimeProvider(T0));

        Task<string?>[] lookups = [.. Enumerable.Range(0, 20).Select(_ => Task.Run(() => directory.AssignedProfileAsync(Box).AsTask()))];
        await gated.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50); // the others queue behind the read
        gated.Open.SetResult();

        Assert.All(await Task.WhenAll(lookups), name => Assert.Equal("own", name));
        Assert.Equal(1, directory.Reads);
        Assert.Equal(1, gated.Lists);
    }

    [Fact]
    public async Task A_look_up_while_an_invalidated_directory_is_read_again_waits_for_the_new_entries()
    {
        CountingRuleStore store = await StoreAsync();
        var gated = new GatedStore(store, gatedCall: 2);
        var directory = new ProfileDirectory(gated, Refresh, new ManualTimeProvider(T0));
        Assert.Equal("fleet", await directory.AssignedProfileAsync(Other));

        await store.AssignProfileAsync(Other, "own");
        directory.Invalidate();
        Task<string?> reading = directory.AssignedProfileAsync(Box).AsTask(); // starts the read, held in the store
        await gated.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // The clock never moves here: only the invalidation makes the held entries stale, and they must stay so while
        // the read that replaces them runs (a flag cleared when it started served them as fresh: issue 12 race).
        Task<string?> during = directory.AssignedProfileAsync(Other).AsTask();
        await Task.Delay(50);
        Assert.False(during.IsCompleted);
        gated.Open.SetResult();

        Assert.Equal("own", await reading);
        Assert.Equal("own", await during); // Other's new assignment, not the fleet default it had
        Assert.Equal(2, directory.Reads);
    }

    private sealed class FailingOnceStore(IRuleStore inner) : DelegatingRuleStore(inner)
    {
        private int _calls;

        public override Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default) =>
            Interlocked.Increment(ref _calls) == 1 ? Task.FromException<IReadOnlyList<ProfileAssignment>>(new IOException("disk")) : base.ListAssignmentsAsync(ct);
    }

    /// <summary>Holds the <paramref name="gatedCall"/>th read of the assignments (and those after it) until <see cref="Open"/>.</summary>
    private sealed class GatedStore(IRuleStore inner, int gatedCall = 1) : DelegatingRuleStore(inner)
    {
        private int _lists;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Lists => Volatile.Read(ref _lists);

        public override async Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref _lists) >= gatedCall)
            {
                Entered.TrySetResult();
                await Open.Task;
            }
            return await base.ListAssignmentsAsync(ct);
        }
    }
}
