using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Engine;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// A stream's window in chunks of 64 samples (issue 12): appends take a chunk at a time and never copy, a trim from the
/// front gives whole chunks back to the engine's pool and the next chunk comes from there, and a late sample goes in at
/// any place, across chunks. Checked against a list as the window was before.
/// </summary>
public sealed class SampleWindowTests
{
    private const int Size = SampleWindow.ChunkSize;

    private static Sample At(int i) => new() { TimeMs = 1000L * i, Boot = 1, Seq = (uint)i, TempC = i / 10.0, RhPct = 50 };

    private static SampleWindow Filled(int count, SampleChunkPool? pool = null)
    {
        var window = new SampleWindow { Pool = pool };
        for (int i = 0; i < count; i++) window.Add(At(i));
        return window;
    }

    private static long[] Seqs(SampleWindow window) => [.. window.Select(s => (long)s.Seq)];

    [Fact]
    public void Appends_take_one_chunk_at_a_time_and_never_double()
    {
        var window = new SampleWindow();
        Assert.Equal(0, window.Chunks);
        for (int i = 0; i < 5000; i++)
        {
            window.Add(At(i));
            Assert.Equal((i / Size) + 1, window.Chunks);
        }
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (long)i), Seqs(window));
    }

    [Fact]
    public void An_append_allocates_only_the_chunk_it_starts_and_copies_nothing()
    {
        SampleWindow window = Filled(Size * 16); // the chunks' reference array at its size for 32 chunks' worth below
        window.Add(At(Size * 16));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = (Size * 16) + 1; i < Size * 32; i++) window.Add(At(i));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 15 chunks of 64 x 32 bytes and their array headers; a list of 1,024 samples grew to 2,048 here (64 KB).
        Assert.InRange(allocated, 15 * Size * 32, 15 * ((Size * 32) + 64));
    }

    [Fact]
    public void A_trim_advances_the_start_and_gives_whole_chunks_back_to_the_pool()
    {
        var pool = new SampleChunkPool();
        SampleWindow window = Filled(Size * 4, pool);
        window.RemoveFirst(Size - 1);
        Assert.Equal((4, 0), (window.Chunks, pool.Count)); // the first chunk still holds a sample
        window.RemoveFirst(1);
        Assert.Equal((3, 1), (window.Chunks, pool.Count));
        window.RemoveFirst((Size * 2) + 5);
        Assert.Equal((1, 3), (window.Chunks, pool.Count));
        Assert.Equal(Enumerable.Range((Size * 3) + 5, Size - 5).Select(i => (long)i), Seqs(window));
        Assert.Equal((Size * 3) + 5, (int)window[0].Seq);

        // Emptied: every chunk goes back, and the window starts afresh at a chunk's start.
        window.RemoveFirst(window.Count);
        Assert.Equal((0, 4), (window.Chunks, pool.Count));
        window.Add(At(7));
        Assert.Equal((1, 3), (window.Chunks, pool.Count));
        Assert.Equal(7u, window[0].Seq);
    }

    [Fact]
    public void A_full_window_trimmed_as_the_engine_trims_it_takes_every_new_chunk_from_the_pool_and_allocates_nothing()
    {
        var pool = new SampleChunkPool();
        SampleWindow window = Filled(1024, pool);
        int next = 1024;
        // A few rounds first: the pool gets back what the window is out of step by (a trim gives back two chunks after the
        // window took two or three), the chunks' reference array is at its size.
        for (int round = 0; round < 3; round++) Cycle();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 20; round++) Cycle();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(Enumerable.Range(next - window.Count, window.Count).Select(i => (long)i), Seqs(window));
        Assert.InRange(pool.Count, 1, 4);

        void Cycle()
        {
            // The reading limit: the oldest eighth at once. The time limit: about one per reading.
            for (int i = 0; i < 128; i++) window.Add(At(next++));
            window.RemoveFirst(128);
            for (int i = 0; i < 300; i++)
            {
                window.Add(At(next++));
                window.RemoveFirst(1);
            }
        }
    }

    [Fact]
    public void The_pool_keeps_at_most_its_bound_and_hands_out_new_chunks_when_empty()
    {
        var pool = new SampleChunkPool(maxChunks: 2);
        SampleWindow window = Filled(Size * 5, pool);
        window.RemoveFirst(Size * 4);
        Assert.Equal(2, pool.Count);
        Sample[] a = pool.Take(), b = pool.Take(), c = pool.Take();
        Assert.Equal(Size, c.Length);
        Assert.NotSame(a, b);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void A_sample_inserted_at_any_place_moves_the_ones_after_it_across_chunks()
    {
        // Windows whose first sample sits anywhere in its chunk and whose last fills its chunk or not.
        foreach (int trimmed in new[] { 0, 1, 37, Size - 1 })
        {
            foreach (int count in new[] { 1, Size - 1, Size, Size + 1, (Size * 3) - trimmed, (Size * 3) + 10 })
            {
                for (int at = 0; at <= count; at++)
                {
                    SampleWindow window = Filled(trimmed + count);
                    window.RemoveFirst(trimmed);
                    List<Sample> model = [.. window];
                    var late = new Sample { TimeMs = -1, Boot = 9, Seq = 99_999, TempC = 1.5 };
                    window.Insert(at, late);
                    model.Insert(at, late);
                    Assert.Equal(model, window.ToList());
                    Assert.True(window.Chunks <= ((window.Count + Size - 1) / Size) + 1, $"{window.Chunks} chunks for {window.Count} samples");
                }
            }
        }
    }

    [Fact]
    public void An_index_outside_the_window_throws()
    {
        SampleWindow window = Filled(10);
        window.RemoveFirst(3);
        Assert.Equal(3u, window[0].Seq);
        Assert.Equal(9u, window[^1].Seq);
        Assert.Throws<ArgumentOutOfRangeException>(() => window[7]);
        Assert.Throws<ArgumentOutOfRangeException>(() => window[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => window.Insert(8, At(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => window.RemoveFirst(8));
    }

    [Fact]
    public void The_insertion_point_and_the_key_search_find_what_a_scan_finds()
    {
        var pool = new SampleChunkPool();
        var window = new SampleWindow { Pool = pool };
        for (int i = 0; i < 300; i++) window.Add(At(i * 2)); // even seqs at even seconds
        window.RemoveFirst(45);
        Assert.True(window.KeysAscending);
        for (int i = 80; i < 610; i++)
        {
            Sample probe = At(i);
            Assert.Equal(window.Count(s => SampleWindow.Compare(s, probe) < 0), window.InsertionPoint(probe));
            Assert.Equal(i % 2 == 0 && i is >= 90 and < 600, window.ContainsKey(probe.Key));
        }

        // A key out of order (a seq that wrapped): found by a scan, until it leaves the window.
        window.Add(new Sample { TimeMs = 10_000_000, Boot = 1, Seq = 3 });
        Assert.False(window.KeysAscending);
        Assert.True(window.ContainsKey(At(3).Key));
        Assert.True(window.ContainsKey(At(500).Key));
        Assert.False(window.ContainsKey(At(501).Key));
        window.RemoveFirst(window.Count - 1);
        Assert.True(window.KeysAscending);
    }

    [Fact]
    public void Any_sequence_of_operations_leaves_the_window_as_a_list_would()
    {
        // Mostly appends, some late samples and trims of any size; keys that may repeat or go backwards (wrapped seqs).
        // 'a' appends a burst, 'i' inserts a late sample, 't' trims.
        Gen<(char Op, int Value, uint Seq)> step =
            from op in Gen.Frequency((6, Gen.Constant('a')), (2, Gen.Constant('i')), (2, Gen.Constant('t')))
            from value in Gen.Choose(0, 200)
            from seq in Gen.Choose(0, 400)
            select (op, value, (uint)seq);
        Gen<(int PoolBound, List<(char Op, int Value, uint Seq)> Steps)> cases =
            from bound in Gen.Choose(0, 3)
            from steps in Gen.ListOf(step).Select(s => s.ToList())
            select (bound, steps);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var pool = new SampleChunkPool(c.PoolBound);
            var window = new SampleWindow { Pool = pool };
            List<Sample> model = [];
            long time = 0;
            foreach ((char op, int value, uint seq) in c.Steps)
            {
                switch (op)
                {
                    case 'a':
                        // Bursts, so that windows span several chunks.
                        for (int i = 0; i <= value % 70; i++)
                        {
                            var s = new Sample { TimeMs = time += 1000, Boot = 1, Seq = seq + (uint)i, TempC = value };
                            window.Add(s);
                            model.Add(s);
                        }
                        break;
                    case 'i':
                        var late = new Sample { TimeMs = time - (value * 700L), Boot = 1, Seq = seq, TempC = -value };
                        int at = window.InsertionPoint(late);
                        Assert.Equal(model.Count(m => SampleWindow.Compare(m, late) < 0), at);
                        window.Insert(at, late);
                        model.Insert(at, late);
                        break;
                    case 't':
                        int drop = model.Count == 0 ? 0 : value % (model.Count + 1);
                        window.RemoveFirst(drop);
                        model.RemoveRange(0, drop);
                        break;
                }
                Assert.Equal(model.Count, window.Count);
                for (int i = 0; i < model.Count; i++) Assert.Equal(model[i], window[i]);
                // Enough chunks for the samples, and at most one more (the first one's offset): never room doubled.
                Assert.InRange(window.Chunks, (model.Count + Size - 1) / Size, ((model.Count + Size - 1) / Size) + 1);
                bool ascending = model.Zip(model.Skip(1)).All(p => p.First.Key < p.Second.Key);
                Assert.Equal(ascending, window.KeysAscending);
                // Kept beside the count for the engine's trim, through appends, inserts at the front and trims.
                if (model.Count > 0) Assert.Equal(model[0].TimeMs, window.FirstTimeMs);
                Assert.Equal(model.Any(m => m.Key == ((1UL << 32) | seq)), window.ContainsKey((1UL << 32) | seq));
                Assert.InRange(pool.Count, 0, c.PoolBound);
            }
            Assert.Equal(model, window.ToList());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
