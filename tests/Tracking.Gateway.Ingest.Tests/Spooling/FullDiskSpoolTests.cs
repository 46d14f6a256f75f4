using System.Text;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The spool on a real file system that runs out of space (a full 1 MiB tmpfs): a commit the disk refuses returns false
/// and says why, loses nothing and tears nothing; once space is back the next commit writes the kept records, and the
/// reader sees every record once, in order. A spool closed while the disk is full reopens with whole records only.
/// </summary>
public sealed class FullDiskSpoolTests : IDisposable
{
    private readonly FullTmpfs _disk = new();

    public void Dispose() => _disk.Dispose();

    private SpoolOptions Options() =>
        new() { Directory = Path.Combine(_disk.Root, "spool"), SegmentBytes = 256 * 1024, MaxBytes = 512 * 1024 };

    // ~120 bytes each: 100 of them span several pages, so they cannot all fit in the last page the segment already has.
    private static byte[] Record(int i) => Encoding.UTF8.GetBytes($"record-{i:D5}-" + new string((char)('a' + (i % 26)), 100 + (i % 7)));

    private static List<string> Read(SpoolReader reader)
    {
        var seen = new List<string>();
        while (reader.Read(1000, seen, static (r, _, list) => list.Add(Encoding.UTF8.GetString(r))) > 0) { }
        return seen;
    }

    private static IEnumerable<string> Expected(int from, int count) =>
        Enumerable.Range(from, count).Select(i => Encoding.UTF8.GetString(Record(i)));

    [Fact]
    public void A_commit_on_a_full_disk_fails_keeps_the_records_and_succeeds_once_space_is_back()
    {
        using var spool = DiskSpool.Open(Options());
        using var reader = spool.CreateReader();
        for (int i = 0; i < 50; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.True(spool.Commit());
        Assert.Equal(Expected(0, 50), Read(reader));

        _disk.Fill();
        for (int i = 50; i < 150; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.False(spool.Commit());
        Assert.False(spool.Commit()); // still full: a retry fails the same way and keeps them still
        Assert.NotNull(spool.DiskError);
        Assert.StartsWith("disk error: ", spool.BlockedReason);
        Assert.Contains("space", spool.BlockedReason, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Read(reader)); // not durable, so not visible
        Assert.Equal(50, spool.PendingRecords);

        _disk.Free();
        Assert.True(spool.Commit());
        Assert.Null(spool.DiskError);
        Assert.Null(spool.BlockedReason);
        Assert.Equal(Expected(50, 100), Read(reader));
        Assert.Equal(150, spool.PendingRecords);

        // The file holds each record once: a fresh reader over the whole spool sees exactly the 150.
        using var again = spool.CreateReader();
        Assert.Equal(Expected(0, 150), Read(again));
    }

    [Fact]
    public void A_spool_closed_after_a_failed_commit_reopens_with_whole_records_only_and_takes_more_once_space_is_back()
    {
        using (var spool = DiskSpool.Open(Options()))
        {
            for (int i = 0; i < 50; i++) Assert.True(spool.TryAppend(Record(i)));
            Assert.True(spool.Commit());
            _disk.Fill();
            for (int i = 50; i < 150; i++) Assert.True(spool.TryAppend(Record(i)));
            Assert.False(spool.Commit());
        }

        List<string> recovered;
        using (var spool = DiskSpool.Open(Options()))
        {
            // The committed records, then whatever prefix of the failed commit reached the file whole (never acknowledged,
            // so at worst delivered again): each record whole and once, a torn tail truncated.
            using (var reader = spool.CreateReader()) recovered = Read(reader);
            Assert.True(recovered.Count is >= 50 and < 150, $"{recovered.Count} records recovered");
            Assert.Equal(Expected(0, recovered.Count), recovered);
            Assert.Equal(recovered.Count, spool.PendingRecords);

            _disk.Free();
            for (int i = 150; i < 200; i++) Assert.True(spool.TryAppend(Record(i)));
            Assert.True(spool.Commit());
            using var all = spool.CreateReader();
            Assert.Equal(Expected(0, recovered.Count).Concat(Expected(150, 50)), Read(all));
        }

        using (var spool = DiskSpool.Open(Options()))
        using (var reader = spool.CreateReader())
        {
            Assert.Equal(recovered.Count + 50, Read(reader).Count);
        }
    }

    [Fact]
    public void A_segment_that_cannot_be_finished_on_a_full_disk_refuses_the_append_until_space_is_back()
    {
        var options = Options();
        options.SegmentBytes = 4096;
        using var spool = DiskSpool.Open(options);
        using var reader = spool.CreateReader();
        Assert.True(spool.TryAppend(Record(0)));
        Assert.True(spool.Commit());

        _disk.Fill();
        int appended = 1;
        while (spool.TryAppend(Record(appended)))
        {
            appended++;
            Assert.True(appended < 100, "a 4 KiB segment holds ~35 records: moving to the next must need the full disk");
        }

        Assert.StartsWith("disk error: ", spool.BlockedReason);
        Assert.False(spool.Commit());
        Assert.Equal(Expected(0, 1), Read(reader));

        _disk.Free();
        Assert.True(spool.TryAppend(Record(appended)));
        Assert.Null(spool.BlockedReason);
        Assert.True(spool.Commit());
        Assert.Equal(Expected(1, appended), Read(reader));
    }

    [Fact]
    public void A_spool_that_fills_its_own_disk_frees_it_by_confirming_even_when_the_checkpoint_cannot_be_written()
    {
        // Spool:MaxBytes above what the file system has: the disk, not the limit, stops the appends.
        var options = new SpoolOptions { Directory = Path.Combine(_disk.Root, "spool"), SegmentBytes = 64 * 1024, MaxBytes = 8L << 20 };
        int next = 0;
        int committed;
        using (var spool = DiskSpool.Open(options))
        {
            while (true)
            {
                int start = next;
                bool appended = true;
                for (int i = 0; i < 100 && (appended = spool.TryAppend(Record(next))); i++) next++;
                if (!appended || !spool.Commit())
                {
                    committed = start;
                    break;
                }

                Assert.True(next < 20_000, "a 1 MiB disk must fill");
            }

            Assert.StartsWith("disk error: ", spool.BlockedReason);
            using var reader = spool.CreateReader();
            Assert.Equal(Expected(0, committed), Read(reader));

            // Everything read is stored elsewhere: confirming deletes the segments before the active one, whether or
            // not the checkpoint found room, and that frees the disk for the records kept in memory.
            spool.Confirm(reader.Position, committed);
            Assert.Contains("space", spool.CheckpointError, StringComparison.OrdinalIgnoreCase); // no page left for it
            Assert.True(spool.Commit());
            while (next < committed + 100) { Assert.True(spool.TryAppend(Record(next))); next++; }
            Assert.True(spool.Commit());
            Assert.Null(spool.BlockedReason);
            Assert.Equal(Expected(committed, next - committed), Read(reader));

            spool.Confirm(reader.Position, next - committed);
            Assert.Null(spool.CheckpointError);
            Assert.Equal(0, spool.PendingRecords);
        }

        using (var spool = DiskSpool.Open(options))
        using (var reader = spool.CreateReader())
        {
            Assert.Equal(0, spool.PendingRecords);
            Assert.Empty(Read(reader));
        }
    }
}
