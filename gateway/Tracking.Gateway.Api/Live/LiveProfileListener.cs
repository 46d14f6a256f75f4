using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// A profile assigned through the API shows in the list at once; a fleet default ("*") makes its containers' profiles be
/// read again at once, a new version of a profile the warnings of the containers under it.
/// </summary>
internal sealed class LiveProfileListener(LiveBoard board) : IProfileAssignmentListener
{
    public Task ProfileAssignedAsync(ContainerKey container, Profile profile, CancellationToken ct)
    {
        if (container.Container == "*")
        {
            board.RefreshFleet(container.Fleet);
        }
        else
        {
            board.ApplyProfile(container, profile.Name);
            board.RefreshContainer(container); // its warnings, computed with the new profile
        }
        return Task.CompletedTask;
    }

    public Task ProfileChangedAsync(Profile profile, CancellationToken ct)
    {
        board.RefreshProfile(profile.Name);
        return Task.CompletedTask;
    }
}
