namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One fleet's container and tag names and its streams (a container and tag pair: what a reading belongs to) as the stream
/// has introduced them, each with a stable index: the first name (or stream) streamed is 0, the next 1, and so on, for as
/// long as the table lives (a generation). A stream is its container's and tag's indexes. A <c>readings</c> event names a
/// reading's stream by its index and carries only the names and streams it adds (docs/api.md, "readings"), and every
/// connection first gets the table as a <c>names</c> event (<see cref="NamesSnapshot"/>), so in the steady state a name
/// costs nothing per reading. Naming every container and tag in every event was about 25 of the 59 bytes per reading of
/// bench sse-fanout, copied and sent to every client; a container index and a tag index per reading, of the 34 left, about
/// 4 more than one stream index.
/// Append-only: an index never changes meaning and a name or stream is never removed, so any snapshot of the table (its
/// arrays and counts at one time) stays valid whatever is appended later, and events and snapshots read it outside the
/// hub's lock. When a fleet's table would pass <see cref="LiveOptions.StreamNames"/> the hub starts a new table for it (a
/// new generation, whose first event starts from index 0); the old one lives on while events of the window use it.
/// Appended under the hub's lock only.
/// </summary>
internal sealed class StreamNameTable(string fleet)
{
    private readonly Dictionary<string, int> _containerIndex = new(StringComparer.Ordinal), _tagIndex = new(StringComparer.Ordinal);

    // By the names (string equality is ordinal), so that a reading of a known stream costs one lookup; keyed by the
    // table's own strings.
    private readonly Dictionary<(string Container, string Tag), int> _streamIndex = [];

    // Grown by copying into a new array, never changed below the count: an array taken with its count is a snapshot.
    private string[] _containers = new string[16], _tags = new string[16];
    private (int Container, int Tag)[] _streams = new (int, int)[16];

    // Every table of the process gets the next number: what a StreamNameCache remembers instead of the table itself.
    private static long s_generations;

    public string Fleet { get; } = fleet;

    /// <summary>
    /// This table's number, unique in the process. A <see cref="StreamNameCache"/> keeps it rather than a reference to the
    /// table, so the cache of a tag that went quiet does not keep a fleet's superseded table (up to
    /// <see cref="LiveOptions.StreamNames"/> names and streams) alive after the window's events let it go.
    /// </summary>
    public long Generation { get; } = Interlocked.Increment(ref s_generations);

    public int ContainerCount { get; private set; }

    public int TagCount { get; private set; }

    public int StreamCount { get; private set; }

    /// <summary>Every entry held, container and tag names and streams (what <see cref="LiveOptions.StreamNames"/> bounds).</summary>
    public int Count => ContainerCount + TagCount + StreamCount;

    /// <summary>The container names as they are now: immutable in the first <see cref="ContainerCount"/> elements.</summary>
    public string[] Containers => _containers;

    /// <summary>The tag names as they are now: immutable in the first <see cref="TagCount"/> elements.</summary>
    public string[] Tags => _tags;

    /// <summary>The streams as they are now, each its container's and tag's index: immutable in the first <see cref="StreamCount"/>.</summary>
    public (int Container, int Tag)[] Streams => _streams;

    /// <summary>
    /// The index of the stream of <paramref name="container"/> and <paramref name="tag"/>, adding it, and either name the
    /// table does not hold; false, adding nothing, when the table would then hold more than <paramref name="cap"/> entries.
    /// </summary>
    public bool TryIndex(string container, string tag, int cap, out int stream)
    {
        if (_streamIndex.TryGetValue((container, tag), out stream)) return true;
        bool knownContainer = _containerIndex.TryGetValue(container, out int c), knownTag = _tagIndex.TryGetValue(tag, out int t);
        if (Count + 1 + (knownContainer ? 0 : 1) + (knownTag ? 0 : 1) > cap) return false;
        if (!knownContainer) c = Add(_containerIndex, ref _containers, ContainerCount++, container);
        if (!knownTag) t = Add(_tagIndex, ref _tags, TagCount++, tag);
        stream = StreamCount++;
        Append(ref _streams, stream, (c, t));
        _streamIndex.Add((_containers[c], _tags[t]), stream);
        return true;
    }

    /// <summary>The table as it is now, to send to a client that connects (a <c>names</c> event).</summary>
    public NamesSnapshot Snapshot() => new(Fleet, _containers, ContainerCount, _tags, TagCount, _streams, StreamCount);

    private static int Add(Dictionary<string, int> index, ref string[] names, int at, string name)
    {
        Append(ref names, at, name);
        index.Add(name, at);
        return at;
    }

    private static void Append<T>(ref T[] array, int at, T value)
    {
        if (at == array.Length)
        {
            // A new array: snapshots and events hold the old one, whose first elements stay as they are.
            var grown = new T[array.Length * 2];
            array.CopyTo(grown, 0);
            array = grown;
        }
        array[at] = value;
    }
}
