using System.Collections.Concurrent;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>Stands in for the host's MQTT publisher of retained configs: remembers each assignment and changed profile, or throws when told to.</summary>
public sealed class RecordingListener : IProfileAssignmentListener
{
    public ConcurrentQueue<(ContainerKey Container, Profile Profile)> Calls { get; } = new();

    public ConcurrentQueue<Profile> Changes { get; } = new();

    public bool Fail { get; set; }

    public Task ProfileChangedAsync(Profile profile, CancellationToken ct)
    {
        Changes.Enqueue(profile);
        return Fail ? throw new InvalidOperationException("broker down") : Task.CompletedTask;
    }

    public Task ProfileAssignedAsync(ContainerKey container, Profile profile, CancellationToken ct)
    {
        Calls.Enqueue((container, profile));
        return Fail ? throw new InvalidOperationException("broker down") : Task.CompletedTask;
    }
}
