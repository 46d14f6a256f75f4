namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// One container and tag's stream index in its fleet's name table (<see cref="StreamNameTable"/>) as the hub last resolved
/// it, kept by the caller for that fleet, container and tag (the live board's <see cref="TagView"/>), so that in the steady
/// state a reading takes its index from here after comparing one number instead of looking up its stream (a
/// string-keyed dictionary lookup per reading, on the live consumer's thread: two of them, one per name, were about 0.9 %
/// of the gateway's CPU with 100 clients, perf, issue 13). Valid for the table it was resolved against only: once the fleet
/// starts a new table (a new generation, <see cref="LiveOptions.StreamNames"/>) the hub resolves it again, and the first
/// use resolves it too.
/// The table is known by its <see cref="StreamNameTable.Generation"/>, not held: a tag that went quiet must not keep a
/// superseded table alive.
/// Read and written by the hub under its lock only.
/// </summary>
internal sealed class StreamNameCache
{
    /// <summary>The <see cref="StreamNameTable.Generation"/> of the table <see cref="Stream"/> is an index of; 0 before the first use.</summary>
    public long Generation;

    public int Stream;
}
