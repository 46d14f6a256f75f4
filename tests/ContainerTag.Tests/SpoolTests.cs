using ContainerTag.Core.Hardware;
using ContainerTag.Core.Storage;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

public class SpoolTests
{
    private static ReadingSpool Open(MemoryStorage storage, int capacity = 256, int perBlock = 8)
    {
        var spool = new ReadingSpool(storage, capacity, perBlock);
        spool.Load();
        return spool;
    }

    private static Reading R(long boot, long seq, double peak = 0.1) =>
        EncoderTests.MakeReading(boot, seq, 1_732_600_000_000 + seq * 300_000, 4 + seq * 0.01, 50, 1000, peak);

    private static List<Reading> ReadAll(ReadingSpool spool)
    {
        var list = new List<Reading>();
        var cursor = spool.OpenCursor();
        var r = new Reading();
        while (cursor.Peek(r))
        {
            var copy = new Reading();
            copy.CopyFrom(r);
            list.Add(copy);
            cursor.Advance();
        }
        return list;
    }

    [Fact]
    public void Readings_survive_a_reboot_in_order_with_all_fields()
    {
        var storage = new MemoryStorage();
        var spool = Open(storage);
        for (var i = 0; i < 20; i++) spool.Append(R(1, i));
        spool.Append(EncoderTests.MakeReading(2, 0, 42, double.NaN, double.NaN, double.NaN, double.NaN, synced: false));

        var after = Open(storage); // new instance over the same flash
        var all = ReadAll(after);
        Assert.Equal(21, after.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (1L, (long)i)).Append((2L, 0L)), all.Select(r => (r.Boot, r.Seq)));
        Assert.Equal(419, all[19].TempCenti);
        var last = all[20];
        Assert.False(last.HasTemp || last.HasHumidity || last.HasPressure || last.HasPeak || last.Synced);
        Assert.Equal(42, last.StampMs);
        Assert.Equal(4, storage.List("sp").Length); // 8 + 8 + 4 of boot 1, 1 of boot 2
    }

    [Fact]
    public void A_torn_append_is_cut_back_to_whole_records()
    {
        var storage = new MemoryStorage();
        var spool = Open(storage);
        for (var i = 0; i < 3; i++) spool.Append(R(1, i));
        var name = storage.List("sp").Single();
        storage.Append(name, new byte[7], 0, 7); // power cut in the middle of the 4th record

        var after = Open(storage);
        Assert.Equal(3, after.Count);
        Assert.Equal(3 * Reading.RecordSize, storage.GetSize(name));
        after.Append(R(1, 3));
        Assert.Equal([0L, 1, 2, 3], ReadAll(Open(storage)).Select(r => r.Seq));
    }

    [Fact]
    public void A_corrupt_record_is_skipped_and_counted_in_positions()
    {
        var storage = new MemoryStorage();
        var spool = Open(storage);
        for (var i = 0; i < 4; i++) spool.Append(R(1, i));
        var name = storage.List("sp").Single();
        var bytes = new byte[storage.GetSize(name)];
        storage.Read(name, 0, bytes, 0, bytes.Length);
        bytes[Reading.RecordSize + 5] ^= 0xFF; // bit rot in record 1
        storage.Write(name, bytes, 0, bytes.Length);

        var after = Open(storage);
        var cursor = after.OpenCursor();
        var r = new Reading();
        var seqs = new List<long>();
        while (cursor.Peek(r)) { seqs.Add(r.Seq); cursor.Advance(); }
        Assert.Equal([0L, 2, 3], seqs);
        Assert.Equal(1, cursor.Corrupt);
        Assert.Equal(4, cursor.Position);
    }

    [Fact]
    public void DeleteOldest_removes_exactly_the_prefix_across_blocks()
    {
        var storage = new MemoryStorage();
        var spool = Open(storage);
        for (var i = 0; i < 20; i++) spool.Append(R(1, i));
        spool.DeleteOldest(11);
        Assert.Equal(9, spool.Count);
        var reopened = Open(storage);
        Assert.Equal(Enumerable.Range(11, 9).Select(i => (long)i), ReadAll(reopened).Select(r => r.Seq));
        Assert.Equal(9, reopened.Count);
    }

    [Fact]
    public void When_full_the_oldest_half_is_thinned_keeping_seq_order_and_peaks()
    {
        var storage = new MemoryStorage();
        var spool = Open(storage, capacity: 64, perBlock: 8);
        var thinned = 0;
        for (var i = 0; i < 64; i++) thinned += spool.Append(R(1, i, peak: i == 10 ? 9.5 : 0.1));
        Assert.Equal(0, thinned);
        thinned = spool.Append(R(1, 64));
        Assert.True(thinned > 0);
        Assert.Equal(65 - thinned, spool.Count);

        var all = ReadAll(Open(storage));
        Assert.Equal(spool.Count, all.Count);
        var seqs = all.Select(r => r.Seq).ToList();
        Assert.Equal(seqs.OrderBy(s => s), seqs);                  // order kept
        Assert.Equal(65 - thinned, seqs.Distinct().Count());       // seq numbers kept, no duplicates
        Assert.Contains(64L, seqs);                                // newest data untouched
        Assert.Equal(Enumerable.Range(32, 33).Select(i => (long)i), seqs.Where(s => s >= 32)); // newer half untouched
        var thinnedPart = seqs.Where(s => s < 32).ToList();
        Assert.All(thinnedPart, s => Assert.Equal(1, s % 2));      // the later of each pair is kept
        Assert.Equal(950, all.Single(r => r.Seq == 11).PeakCentiG); // reading 10's shock carried by 11
    }

    [Fact]
    public void Thinning_never_exceeds_capacity_and_ages_evenly_over_a_long_outage()
    {
        var storage = new MemoryStorage();
        var spool = Open(storage, capacity: 128, perBlock: 8);
        var thinned = 0;
        for (var i = 0; i < 2000; i++)
        {
            thinned += spool.Append(R(1, i));
            Assert.True(spool.Count <= 128);
        }
        var all = ReadAll(Open(storage));
        Assert.Equal(2000 - thinned, all.Count);
        Assert.Equal(all.Select(r => r.Seq).OrderBy(s => s), all.Select(r => r.Seq));
        Assert.True(all[0].Seq < 100, "the oldest data is thinned, not dropped as a whole period");
        var gaps = all.Zip(all.Skip(1), (a, b) => b.Seq - a.Seq).ToList();
        Assert.True(gaps.Max() <= 64, $"the outage stays evenly covered (largest gap {gaps.Max()})");
        Assert.Equal(Enumerable.Range(1936, 64).Select(i => (long)i), all.TakeLast(64).Select(r => r.Seq)); // newest half at full resolution
        Assert.True(storage.List("sp").Length <= 128 / 8 * 2, "blocks are packed, not left sparse");
    }

    [Fact]
    public void A_power_cut_during_a_rewrite_loses_nothing()
    {
        // Crash after each possible number of flash operations of a thinning step; the spool must
        // afterwards hold either the old or the new contents, never a mix or less.
        for (var crashAfter = 0; crashAfter < 20; crashAfter++)
        {
            var storage = new CrashingStorage();
            var spool = Open(storage, capacity: 32, perBlock: 4);
            for (var i = 0; i < 32; i++) spool.Append(R(1, i));
            var before = ReadAll(spool).Select(r => r.Seq).ToList();
            storage.Mutations = 0;
            storage.MutationsBeforeCrash = crashAfter;
            try
            {
                spool.Append(R(1, 32));
            }
            catch (IOException)
            {
            }
            storage.MutationsBeforeCrash = int.MaxValue;
            var after = ReadAll(Open(storage)).Select(r => r.Seq).ToList();
            var newer = before.Where(s => s >= 16).ToList();
            Assert.True(newer.All(after.Contains), $"crash after {crashAfter}: newer half lost");
            var old = after.Where(s => s < 16).ToList();
            Assert.True(old.SequenceEqual(before.Where(s => s < 16)) || old.All(s => s % 2 == 1), $"crash after {crashAfter}: mixed state {string.Join(",", old)}");
            Assert.Equal(after.OrderBy(s => s), after);
        }
    }
}
