using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Tests.Support;

/// <summary>
/// A store in front of another that counts the profile look-ups, the directory's reads and the state loads the engine makes; <c>versioned: false</c> hides the
/// inner store's profile version, as a store that cannot tell (PostgreSQL) does.
/// </summary>
public sealed class CountingRuleStore(IRuleStore inner, bool versioned = true) : DelegatingRuleStore(inner)
{
    private int _assignedLookups;
    private int _profileLookups;
    private int _versionReads;
    private int _stateLoads;
    private int _assignmentLists;
    private int _profileLists;
    private int _tripLists;

    public int AssignedLookups => Volatile.Read(ref _assignedLookups);
    public int ProfileLookups => Volatile.Read(ref _profileLookups);
    public int VersionReads => Volatile.Read(ref _versionReads);
    public int StateLoads => Volatile.Read(ref _stateLoads);
    /// <summary>Reads of every assignment (<see cref="ProfileDirectory"/> reloading).</summary>
    public int AssignmentLists => Volatile.Read(ref _assignmentLists);
    public int ProfileLists => Volatile.Read(ref _profileLists);
    /// <summary>Reads of one container's trips.</summary>
    public int TripLists => Volatile.Read(ref _tripLists);

    public override Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _assignmentLists);
        return base.ListAssignmentsAsync(ct);
    }

    public override Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _profileLists);
        return base.ListProfilesAsync(ct);
    }

    public override Task<IReadOnlyList<Trip>> ListTripsAsync(ContainerKey container, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _tripLists);
        return base.ListTripsAsync(container, ct);
    }

    public override Task<StoredState?> LoadStateAsync(ContainerKey container, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _stateLoads);
        return base.LoadStateAsync(container, ct);
    }

    public override Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _profileLookups);
        return base.GetProfileAsync(name, ct);
    }

    public override Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _assignedLookups);
        return base.AssignedProfileAsync(container, ct);
    }

    public override Task<long?> ProfileVersionAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _versionReads);
        return versioned ? base.ProfileVersionAsync(ct) : Task.FromResult<long?>(null);
    }
}
