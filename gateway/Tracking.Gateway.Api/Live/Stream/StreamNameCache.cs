namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One container and tag's stream index in its fleet's name table (<see cref="StreamNameTable"/>) as the hub last resolved
/// it, kept by the caller for that fleet, container and tag (the live board's <see cref="TagView"/>), so that in the steady
/// state a reading takes its index from here after comparing one reference instead of looking up its stream (a
/// string-keyed dictionary lookup per reading, on the live consumer's thread: two of them, one per name, were about 0.9 %
/// of the gateway's CPU with 100 clients, perf, issue 13). Valid for the table it was resolved against only: once the fleet
/// starts a new table (a new generation, <see cref="LiveOptions.StreamNames"/>) the hub resolves it again, and the first
/// use resolves it too.
/// Read and written by the hub under its lock only.
/// </summary>
internal sealed class StreamNameCache
{
    /// <summary>The table <see cref="Stream"/> is an index of; null before the first use.</summary>
    public StreamNameTable? Table;

    public int Stream;
}
