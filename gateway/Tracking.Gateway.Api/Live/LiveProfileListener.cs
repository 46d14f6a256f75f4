using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Live;

/// <summary>A profile assigned through the API shows in the list at once; a fleet default ("*") makes its containers' profiles be read again.</summary>
internal sealed class LiveProfileListener(LiveBoard board) : IProfileAssignmentListener
{
    public Task ProfileAssignedAsync(ContainerKey container, Profile profile, CancellationToken ct)
    {
        if (container.Container == "*") board.RefreshFleet(container.Fleet);
        else board.ApplyProfile(container, profile.Name);
        return Task.CompletedTask;
    }
}
