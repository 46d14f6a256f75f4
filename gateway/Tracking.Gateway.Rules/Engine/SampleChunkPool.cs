namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// Chunks of <see cref="SampleWindow"/>s that windows released, for windows that need one: a window trimmed from the
/// front gives back a chunk about as often as it takes one at its end, so a fleet whose windows are full allocates no
/// chunk per reading. One per engine (its lock serializes the windows' calls: no lock here). Bounded: what it keeps was
/// in windows a moment ago, and beyond its bound (<see cref="DefaultMaxChunks"/>) a chunk is left to the GC.
/// </summary>
internal sealed class SampleChunkPool(int maxChunks = SampleChunkPool.DefaultMaxChunks)
{
    /// <summary>
    /// 1,024 chunks of 2 KB: the windows of a fleet that trim and grow at their own times give back and take about as
    /// many, so the pool holds what they are out of step by (a few hundred for 10,000 tags). A fleet whose windows all
    /// give back at once (a shorter window span taking effect) leaves the rest to the GC.
    /// </summary>
    public const int DefaultMaxChunks = 1024;

    private readonly Sample[][] _chunks = new Sample[Math.Max(0, maxChunks)][];
    private int _count;

    /// <summary>How many chunks it holds.</summary>
    public int Count => _count;

    /// <summary>A chunk of <see cref="SampleWindow.ChunkSize"/> samples: one given back, or a new one. Its contents are stale.</summary>
    public Sample[] Take()
    {
        if (_count == 0) return new Sample[SampleWindow.ChunkSize];
        Sample[] chunk = _chunks[--_count];
        _chunks[_count] = null!;
        return chunk;
    }

    /// <summary>Takes back a chunk no window uses any more (kept unless the pool is full).</summary>
    public void Return(Sample[] chunk)
    {
        if (_count < _chunks.Length) _chunks[_count++] = chunk;
    }
}
