namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One container and tag's indexes in its fleet's name table (<see cref="StreamNameTable"/>) as the hub last resolved them,
/// kept by the caller for that fleet, container and tag (the live board's <see cref="TagView"/>), so that in the steady
/// state a reading takes its indexes from here after comparing one reference instead of looking up both names (two
/// string-keyed dictionary lookups per reading, on the live consumer's thread: about 0.9 % of the gateway's CPU with 100
/// clients, perf, issue 13). Valid for the table it was resolved against only: once the fleet starts a new table (a new
/// generation, <see cref="LiveOptions.StreamNames"/>) the hub resolves the names again, and the first use resolves them too.
/// Read and written by the hub under its lock only.
/// </summary>
internal sealed class StreamNameCache
{
    /// <summary>The table <see cref="Container"/> and <see cref="Tag"/> are indexes of; null before the first use.</summary>
    public StreamNameTable? Table;

    public int Container;

    public int Tag;
}
