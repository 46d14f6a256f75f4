namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// What a <c>readings</c> event adds to its fleet's name table (<see cref="StreamNameTable"/>): the container names, tag
/// names and streams from where the table stood when the event's batch began to where it stands now. It holds the table's
/// arrays as they are (never changed below the table's counts), so it copies nothing and stays true while the table grows.
/// </summary>
internal readonly struct AddedNames(StreamNameTable table, int containersFrom, int tagsFrom, int streamsFrom)
{
    private readonly string[] _containers = table.Containers, _tags = table.Tags;
    private readonly (int Container, int Tag)[] _streams = table.Streams;
    private readonly int _containersTo = table.ContainerCount, _tagsTo = table.TagCount, _streamsTo = table.StreamCount;

    public int ContainersFrom { get; } = containersFrom;

    public int TagsFrom { get; } = tagsFrom;

    public int StreamsFrom { get; } = streamsFrom;

    public ReadOnlySpan<string> Containers => _containers.AsSpan(ContainersFrom.._containersTo);

    public ReadOnlySpan<string> Tags => _tags.AsSpan(TagsFrom.._tagsTo);

    public ReadOnlySpan<(int Container, int Tag)> Streams => _streams.AsSpan(StreamsFrom.._streamsTo);
}
