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
/// Read again when stale: after <see cref="Invalidate"/> (the API's writes, through the engine), or when a refresh period
/// has passed and the store's version (<see cref="IRuleStore.ProfileVersionAsync"/>) changed, so another writer's change
/// shows within <c>Rules:ProfileRefresh</c> as before. A store without a version is read again every half period (a
/// change shows within one and a half). Only the containers with trips have theirs read, on each call, from the store.
/// Thread-safe: one immutable set of entries is swapped in whole; one reload at a time.
/// </remarks>
public sealed class ProfileDirectory
{
    private readonly IRuleStore _store;
    private readonly TimeSpan _refresh;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Entries? _entries;
    private volatile bool _stale = true;
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
    public void Invalidate() => _stale = true;

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
        !_stale && _time.GetElapsedTime(entries.CheckedAt) < (entries.Version is null ? _refresh / 2 : _refresh);

    private async ValueTask<Entries> RefreshAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another caller may have read them while this one waited.
            if (_entries is { } current && Fresh(current)) return current;
            // Cleared before the reads: an invalidation during them makes the next look-up read again.
            _stale = false;
            long checkedAt = _time.GetTimestamp();
            // The version first: a write after it changes it, so the next check reads what this read may have missed.
            long? version = await _store.ProfileVersionAsync(ct).ConfigureAwait(false);
            if (_entries is { Version: { } held } unchanged && version == held)
            {
                return _entries = unchanged with { CheckedAt = checkedAt };
            }

            IReadOnlyList<ProfileAssignment> assignments = await _store.ListAssignmentsAsync(ct).ConfigureAwait(false);
            IReadOnlyList<Profile> profiles = await _store.ListProfilesAsync(ct).ConfigureAwait(false);
            IReadOnlyList<ContainerKey> trips = await _store.ListTripContainersAsync(ct).ConfigureAwait(false);
            Interlocked.Increment(ref _reads);
            return _entries = new Entries(
                version,
                checkedAt,
                assignments.ToFrozenDictionary(a => a.Container, a => a.Profile),
                profiles.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal),
                trips.ToFrozenSet());
        }
        catch
        {
            // The next look-up tries again rather than serving entries it could not confirm.
            _stale = true;
            throw;
        }
        finally
        {
            _reload.Release();
        }
    }

    private sealed record Entries(
        long? Version,
        long CheckedAt,
        FrozenDictionary<ContainerKey, string> Assignments,
        FrozenDictionary<string, Profile> Profiles,
        FrozenSet<ContainerKey> TripContainers);
}
