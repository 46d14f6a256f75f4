using System.Collections.Frozen;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Profiles;

/// <summary>
/// The assignments, the stored profiles and which containers have trips, held in memory for the engine, the live view
/// and the tag config publisher: a container the gateway sees for the first time cost each of them its own store calls
/// (its assignment, its profile, its trips: a connection and a query each), so a fleet of new containers arriving at once
/// was thousands of calls in its first second (issue 11's latency tail, issue 12's rules share in bench ingest).
/// </summary>
/// <remarks>
/// Read again when stale: after <see cref="Invalidate"/> (the API's writes, through the engine), or when the store's
/// version (<see cref="IRuleStore.ProfileVersionAsync"/>, one small query) changed; that version is read at most once per
/// <see cref="VersionCheck"/>, so a container seen for the first time gets another writer's assignment as fresh as when it
/// read the store itself (within a second), and a container already known within <c>Rules:ProfileRefresh</c>, as before
/// (the engine's own refresh). A store without a version (PostgreSQL) is read again every half refresh period: another
/// gateway's change shows within one and a half. Only the containers with trips have theirs read from the store.
/// Thread-safe: one immutable set of entries is swapped in whole; one reload at a time.
/// </remarks>
public sealed class ProfileDirectory
{
    private readonly IRuleStore _store;
    private readonly TimeSpan _refresh;
    private readonly TimeProvider _time;
    /// <summary>Longest use of the entries before the store's version is read again (a store with a version).</summary>
    public static readonly TimeSpan VersionCheck = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Entries? _entries;
    // Bumped by each invalidation; entries read before the latest one are stale. A counter, not a flag cleared when a
    // read starts: while that read ran, the entries it replaces would have looked fresh to the lock-free readers.
    private int _invalidations;
    private long _reads;

    public ProfileDirectory(IRuleStore store, TimeSpan refresh, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refresh, TimeSpan.Zero);
        _store = store;
        _refresh = refresh;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How often the assignments, profiles and trip containers were read from the store.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The next look-up reads the store again (its version first): a write to it just happened.</summary>
    public void Invalidate() => Interlocked.Increment(ref _invalidations);

    /// <summary>The store's profile version the entries were read at (null when the store keeps none).</summary>
    public async ValueTask<long?> VersionAsync(CancellationToken ct = default) => (await CurrentAsync(ct).ConfigureAwait(false)).Version;

    /// <summary>The container's own profile name, else its fleet's default, else null (as <see cref="IRuleStore.AssignedProfileAsync"/>).</summary>
    public async ValueTask<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default)
    {
        Entries entries = await CurrentAsync(ct).ConfigureAwait(false);
        return entries.Assignments.GetValueOrDefault(container) ?? entries.Assignments.GetValueOrDefault(ContainerKey.DefaultOf(container.Fleet));
    }

    /// <summary>The stored profile of that name, null when none is stored (the caller falls back to the presets).</summary>
    public async ValueTask<Profile?> GetProfileAsync(string name, CancellationToken ct = default) =>
        (await CurrentAsync(ct).ConfigureAwait(false)).Profiles.GetValueOrDefault(name);

    /// <summary>The container's trips, newest first; no store call for a container without any.</summary>
    public async ValueTask<IReadOnlyList<Trip>> ListTripsAsync(ContainerKey container, CancellationToken ct = default)
    {
        Entries entries = await CurrentAsync(ct).ConfigureAwait(false);
        return entries.TripContainers.Contains(container) ? await _store.ListTripsAsync(container, ct).ConfigureAwait(false) : [];
    }

    private ValueTask<Entries> CurrentAsync(CancellationToken ct)
    {
        Entries? entries = _entries;
        return entries is not null && Fresh(entries) ? new ValueTask<Entries>(entries) : RefreshAsync(ct);
    }

    private bool Fresh(Entries entries) =>
        entries.Invalidations == Volatile.Read(ref _invalidations) && _time.GetElapsedTime(entries.CheckedAt) < (entries.Version is null ? _refresh / 2 : (VersionCheck < _refresh ? VersionCheck : _refresh));

    private async ValueTask<Entries> RefreshAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller may have read them while this one waited.
            if (_entries is { } current && Fresh(current)) return current;
            // Taken before the reads: an invalidation during them makes the next look-up read again.
            int invalidations = Volatile.Read(ref _invalidations);
            long checkedAt = _time.GetTimestamp();
            // The version first: a write after it changes it, so the next check reads what this read may have missed.
            long? version = await _store.ProfileVersionAsync(ct).ConfigureAwait(false);
            if (_entries is { Version: { } held } unchanged && version == held)
            {
                return _entries = unchanged with { CheckedAt = checkedAt, Invalidations = invalidations };
            }

            IReadOnlyList<ProfileAssignment> assignments = await _store.ListAssignmentsAsync(ct).ConfigureAwait(false);
            IReadOnlyList<Profile> profiles = await _store.ListProfilesAsync(ct).ConfigureAwait(false);
            IReadOnlyList<ContainerKey> trips = await _store.ListTripContainersAsync(ct).ConfigureAwait(false);
            Interlocked.Increment(ref _reads);
            return _entries = new Entries(
                version,
                checkedAt,
                invalidations,
                assignments.ToFrozenDictionary(a => a.Container, a => a.Profile),
                profiles.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal),
                trips.ToFrozenSet());
        }
        finally
        {
            _reload.Release();
        }
    }

    private sealed record Entries(
        long? Version,
        long CheckedAt,
        int Invalidations,
        FrozenDictionary<ContainerKey, string> Assignments,
        FrozenDictionary<string, Profile> Profiles,
        FrozenSet<ContainerKey> TripContainers);
}
