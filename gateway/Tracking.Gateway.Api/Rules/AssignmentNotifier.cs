using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Rules;

/// <summary>Tells every <see cref="IProfileAssignmentListener"/> about a stored assignment (a container's or a fleet default) or a changed profile.</summary>
internal static class AssignmentNotifier
{
    public static async Task NotifyAsync(IEnumerable<IProfileAssignmentListener> listeners, ContainerKey key, Profile profile, ILogger logger,
        CancellationToken ct)
    {
        foreach (IProfileAssignmentListener listener in listeners)
        {
            try
            {
                await listener.ProfileAssignedAsync(key, profile, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Stored and in force for the rules; only the tags' copy is behind. The listener's owner retries.
                Log.ListenerFailed(logger, ex, listener.GetType().Name, key.ToString());
            }
        }
    }

    public static async Task NotifyChangedAsync(IEnumerable<IProfileAssignmentListener> listeners, Profile profile, ILogger logger, CancellationToken ct)
    {
        foreach (IProfileAssignmentListener listener in listeners)
        {
            try
            {
                await listener.ProfileChangedAsync(profile, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ListenerFailed(logger, ex, listener.GetType().Name, "profile " + profile.Name);
            }
        }
    }
}
