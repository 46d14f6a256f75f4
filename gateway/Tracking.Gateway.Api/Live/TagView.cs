using Tracking.Gateway.Api.Live.Stream;

namespace Tracking.Gateway.Api.Live;

/// <summary>A tag of a <see cref="BoardEntry"/>: when it was last heard from and its newest status message. Guarded by the board's lock.</summary>
internal sealed class TagView(string tag)
{
    public string Tag { get; } = tag;
    public long LastSeenMs;
    public bool HasStatus;
    public LiveTagStatus Status;

    /// <summary>The stream's index of this container and tag, so that publishing its readings looks up no name.</summary>
    public readonly StreamNameCache StreamNames = new();
}
