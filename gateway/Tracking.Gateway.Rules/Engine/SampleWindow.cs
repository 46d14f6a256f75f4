using System.Collections;
using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A stream's window: its samples in time order in fixed chunks of <see cref="ChunkSize"/>, a deque of arrays. Issue 12:
/// as a <see cref="List{T}"/> the window doubled while young (in bench ingest every window went from 128 to 256 samples,
/// some 80 bytes a message and the copy, zeroing and page faults of the new array) and a trim moved the whole window
/// to its front (a time-limited window drops about one sample per reading). Here an append fills the last chunk and
/// takes a new one when it is full (nothing is copied, nothing doubles), a trim advances the offset of the first
/// sample and gives whole chunks back to <see cref="Pool"/>, and a late sample inserted in the middle shifts the
/// samples after it, across chunks (rare). Also keeps whether the samples' keys ascend, for the duplicate check.
/// </summary>
[JsonConverter(typeof(SampleWindowJsonConverter))]
internal sealed class SampleWindow : IEnumerable<Sample>
{
    /// <summary>Samples per chunk (2 KB): as many as a saved chunk holds (<see cref="SnapshotCodec.ChunkSize"/>), under the large object heap's size.</summary>
    public const int ChunkSize = 1 << ChunkShift;

    private const int ChunkShift = 6;
    private const int ChunkMask = ChunkSize - 1;

    // The chunks in use, oldest first, from index 0 (a trim moves the few references down): sample i is at
    // _head + i counted through them. The array of references is the only thing that grows (doubling: 17 references for
    // a window of 1,024 samples).
    private Sample[][] _chunks = [];
    private int _chunkCount;
    private int _head;
    private int _count;

    /// <summary>Where chunks come from and go back to (the engine's); null: new chunks, released ones left to the GC.</summary>
    public SampleChunkPool? Pool { get; set; }

    public int Count => _count;

    /// <summary>
    /// The first sample's time (undefined while empty), kept beside the count: the engine's trim compares it at every
    /// reading, and the first sample's chunk is otherwise cold (issue 12).
    /// </summary>
    public long FirstTimeMs { get; private set; }

    /// <summary>The chunks held: enough for the samples from the first one's offset, never more than one beyond.</summary>
    public int Chunks => _chunkCount;

    /// <summary>
    /// Whether the keys (boot, seq) strictly increase along the window, as they do while a tag reports in order: then a
    /// sample with a greater key than the last is no duplicate, and any other is found by a binary search (issue 12: a
    /// hash set of the window's keys, kept per reading, was the window insert's main cost).
    /// </summary>
    public bool KeysAscending { get; private set; } = true;

    public ref readonly Sample this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) ThrowIndex(index);
            int at = _head + index;
            return ref _chunks[at >> ChunkShift][at & ChunkMask];
        }
    }

    /// <summary>Appends a sample (the window's order is the caller's: <see cref="Add"/> after the last, else <see cref="Insert"/>).</summary>
    public void Add(in Sample sample)
    {
        int at = _head + _count;
        if (at == _chunkCount << ChunkShift) AddChunk();
        if (_count > 0 && KeysAscending && this[_count - 1].Key >= sample.Key) KeysAscending = false;
        _chunks[at >> ChunkShift][at & ChunkMask] = sample;
        if (_count == 0) FirstTimeMs = sample.TimeMs;
        _count++;
    }

    /// <summary>Inserts a sample at <paramref name="index"/>, moving the samples from there on one place up (across chunks).</summary>
    public void Insert(int index, in Sample sample)
    {
        if ((uint)index > (uint)_count) ThrowIndex(index);
        if (index == _count)
        {
            Add(sample);
            return;
        }
        if (KeysAscending && !((index == 0 || this[index - 1].Key < sample.Key) && sample.Key < this[index].Key)) KeysAscending = false;
        int end = _head + _count; // where the last sample moves to
        if (end == _chunkCount << ChunkShift) AddChunk();
        int at = _head + index;
        int atChunk = at >> ChunkShift;
        for (int c = end >> ChunkShift; c >= atChunk; c--)
        {
            // Each chunk's part moves up one place within it; the first sample of a chunk after the insert's comes from
            // the end of the chunk before.
            Sample[] chunk = _chunks[c];
            int from = c == atChunk ? at & ChunkMask : 0;
            int to = c == end >> ChunkShift ? end & ChunkMask : ChunkSize - 1;
            chunk.AsSpan(from, to - from).CopyTo(chunk.AsSpan(from + 1));
            if (c > atChunk) chunk[0] = _chunks[c - 1][ChunkSize - 1];
        }
        _chunks[atChunk][at & ChunkMask] = sample;
        if (index == 0) FirstTimeMs = sample.TimeMs;
        _count++;
    }

    /// <summary>Removes the first <paramref name="count"/> samples: the offset advances, the chunks left behind go back to the pool.</summary>
    public void RemoveFirst(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _count);
        _count -= count;
        _head += count;
        int released = _count == 0 ? _chunkCount : _head >> ChunkShift;
        if (released > 0)
        {
            for (int i = 0; i < released; i++) Pool?.Return(_chunks[i]);
            Array.Copy(_chunks, released, _chunks, 0, _chunkCount - released);
            Array.Clear(_chunks, _chunkCount - released, released);
            _chunkCount -= released;
            _head = _count == 0 ? 0 : _head & ChunkMask;
        }
        if (_count > 0) FirstTimeMs = this[0].TimeMs;
        // The keys out of order may have left with the removed samples.
        if (!KeysAscending) KeysAscending = KeysAscend();
    }

    /// <summary>
    /// The index of the first sample not ordered before <paramref name="sample"/> by (time, boot, seq), the window's
    /// order: where it goes in (<see cref="Count"/> when it is after all).
    /// </summary>
    public int InsertionPoint(in Sample sample)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Compare(this[mid], sample) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>Whether a sample with this key (boot, seq) is in the window (see <see cref="KeysAscending"/>).</summary>
    public bool ContainsKey(ulong key)
    {
        if (_count == 0) return false;
        if (KeysAscending)
        {
            // The common case, a reading after the last: no search at all. Replays after a crash: a binary search.
            if (this[_count - 1].Key < key) return false;
            int lo = 0, hi = _count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                ulong at = this[mid].Key;
                if (at == key) return true;
                if (at < key) lo = mid + 1;
                else hi = mid - 1;
            }
            return false;
        }
        // Keys out of order in the window (a seq that wrapped, a tag's counters reset): rare, and a scan of one window.
        for (int i = 0; i < _count; i++)
        {
            if (this[i].Key == key) return true;
        }
        return false;
    }

    /// <summary>The window's order: time, then boot, then seq.</summary>
    public static int Compare(in Sample a, in Sample b)
    {
        int c = a.TimeMs.CompareTo(b.TimeMs);
        if (c == 0) c = a.Boot.CompareTo(b.Boot);
        return c != 0 ? c : a.Seq.CompareTo(b.Seq);
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Sample> IEnumerable<Sample>.GetEnumerator()
    {
        for (int i = 0; i < _count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<Sample>)this).GetEnumerator();

    private void AddChunk()
    {
        if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, Math.Max(4, _chunks.Length * 2));
        _chunks[_chunkCount++] = Pool?.Take() ?? new Sample[ChunkSize];
    }

    private bool KeysAscend()
    {
        for (int i = 1; i < _count; i++)
        {
            if (this[i - 1].Key >= this[i].Key) return false;
        }
        return true;
    }

    private static void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "outside the window");

    /// <summary>The samples in order, by reference (no copy of the window, no allocation).</summary>
    public struct Enumerator(SampleWindow window)
    {
        private int _index = -1;

        public bool MoveNext() => ++_index < window._count;

        public readonly ref readonly Sample Current => ref window[_index];
    }
}
