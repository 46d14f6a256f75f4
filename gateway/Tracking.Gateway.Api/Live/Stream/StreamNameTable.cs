namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One fleet's container and tag names as the stream has introduced them, each with a stable index: the first name
/// streamed is 0, the next 1, and so on, for as long as the table lives (a generation). A <c>readings</c> event refers to
/// names by index and carries only the names it adds (docs/api.md, "readings"), and every connection first gets the table
/// as a <c>names</c> event (<see cref="NamesSnapshot"/>), so in the steady state a name costs nothing per reading. Naming
/// every container and tag in every event was about 25 of the 59 bytes per reading of bench sse-fanout, copied and sent to
/// every client.
/// Append-only: an index never changes meaning and a name is never removed, so any snapshot of the table (its arrays and
/// counts at one time) stays valid whatever is appended later, and events and snapshots read it outside the hub's lock.
/// When a fleet's table would pass <see cref="LiveOptions.StreamNames"/> the hub starts a new table for it (a new
/// generation, whose first event starts from index 0); the old one lives on while events of the window use it.
/// Appended under the hub's lock only.
/// </summary>
internal sealed class StreamNameTable(string fleet)
{
    private readonly Dictionary<string, int> _containerIndex = new(StringComparer.Ordinal), _tagIndex = new(StringComparer.Ordinal);

    // Grown by copying into a new array, never changed below the count: an array taken with its count is a snapshot.
    private string[] _containers = new string[16], _tags = new string[16];

    public string Fleet { get; } = fleet;

    public int ContainerCount { get; private set; }

    public int TagCount { get; private set; }

    /// <summary>Every name held, containers and tags (what <see cref="LiveOptions.StreamNames"/> bounds).</summary>
    public int Count => ContainerCount + TagCount;

    /// <summary>The container names as they are now: immutable in the first <see cref="ContainerCount"/> elements.</summary>
    public string[] Containers => _containers;

    /// <summary>The tag names as they are now: immutable in the first <see cref="TagCount"/> elements.</summary>
    public string[] Tags => _tags;

    /// <summary>
    /// The indexes of <paramref name="container"/> and <paramref name="tag"/>, adding either name the table does not hold;
    /// false, adding nothing, when the table would then hold more than <paramref name="cap"/> names.
    /// </summary>
    public bool TryIndex(string container, string tag, int cap, out int c, out int t)
    {
        bool knownContainer = _containerIndex.TryGetValue(container, out c), knownTag = _tagIndex.TryGetValue(tag, out t);
        if (knownContainer && knownTag) return true;
        if (Count + (knownContainer ? 0 : 1) + (knownTag ? 0 : 1) > cap) return false;
        if (!knownContainer) c = Add(_containerIndex, ref _containers, ContainerCount++, container);
        if (!knownTag) t = Add(_tagIndex, ref _tags, TagCount++, tag);
        return true;
    }

    /// <summary>The table as it is now, to send to a client that connects (a <c>names</c> event).</summary>
    public NamesSnapshot Snapshot() => new(Fleet, _containers, ContainerCount, _tags, TagCount);

    private static int Add(Dictionary<string, int> index, ref string[] names, int at, string name)
    {
        if (at == names.Length)
        {
            // A new array: snapshots and events hold the old one, whose first elements stay as they are.
            var grown = new string[names.Length * 2];
            names.CopyTo(grown, 0);
            names = grown;
        }
        names[at] = name;
        index.Add(name, at);
        return at;
    }
}
