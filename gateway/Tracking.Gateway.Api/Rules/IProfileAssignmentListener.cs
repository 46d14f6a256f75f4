using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// Told after the API stored a profile assignment, so the host can publish the retained config (docs/protocol.md 4.4)
/// to the container's tags and the tags' own urgent reporting uses the same limits. Register any number as
/// <c>services.AddSingleton&lt;IProfileAssignmentListener, T&gt;()</c>. A listener that throws is logged; the assignment
/// stays stored (the engine uses it either way) and the call still succeeds. A fleet default
/// (<c>PUT /api/v1/fleets/{fleet}/profile</c>) comes as <see cref="ContainerKey.DefaultOf"/> (container
/// <see cref="ContainerKey.FleetDefault"/>): it applies to the fleet's containers without their own assignment.
/// </summary>
public interface IProfileAssignmentListener
{
    Task ProfileAssignedAsync(ContainerKey container, Profile profile, CancellationToken ct);

    /// <summary>
    /// Told after the API stored a new version of a profile, so the tags of every container it is in force for get the
    /// changed limits too (not only those assigned afterwards).
    /// </summary>
    Task ProfileChangedAsync(Profile profile, CancellationToken ct) => Task.CompletedTask;
}
