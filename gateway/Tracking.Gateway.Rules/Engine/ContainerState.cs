using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>A container's evaluation state: a stream per tag. Serialized whole as the container's versioned snapshot.</summary>
internal sealed class ContainerState
{
    public const int CurrentVersion = 1;

    public int V = CurrentVersion;

    /// <summary>The profile the streams were evaluated with (JSON), to notice a change.</summary>
    public string ProfileJson = "";

    public Dictionary<string, StreamState> Streams = new(StringComparer.Ordinal);

    /// <summary>The <see cref="TripTimeline.Key"/> of the trips the streams were evaluated with, to notice a change.</summary>
    public string TripsKey = "";

    /// <summary>The container's trips as last read with its profile (null: not read yet).</summary>
    [JsonIgnore] public TripTimeline? Trips;

    [JsonIgnore] public Profile? Profile;
    [JsonIgnore] public long ProfileCheckedMs = long.MinValue;

    /// <summary>The store's profile version when <see cref="Profile"/> was looked up (null: never, or the store has none).</summary>
    [JsonIgnore] public long? ProfileVersion;
    [JsonIgnore] public bool Dirty;

    /// <summary>The stream of the last input (one of <see cref="Streams"/>, which never drops one): found again without hashing its tag.</summary>
    [JsonIgnore] public StreamState? LastStream;

    /// <summary>
    /// The container's one stream while it has exactly one that <see cref="Add"/> put in, else null (a container of several
    /// tags, or streams put in otherwise, as the JSON of version 1 does): the engine's pass over a batch's containers
    /// takes it without enumerating <see cref="Streams"/> (issue 12: the dictionary, its entries and its values
    /// collection, three cache lines per reading).
    /// </summary>
    [JsonIgnore] public StreamState? OnlyStream;

    /// <summary>Adds a stream of a tag it has none of yet; false (nothing changed) when it has one.</summary>
    public bool Add(StreamState st)
    {
        if (!Streams.TryAdd(st.Tag, st)) return false;
        OnlyStream = Streams.Count == 1 ? st : null;
        return true;
    }

    /// <summary>Changed since its last save (in the engine's list of unsaved containers).</summary>
    [JsonIgnore] public bool Unsaved;
}
