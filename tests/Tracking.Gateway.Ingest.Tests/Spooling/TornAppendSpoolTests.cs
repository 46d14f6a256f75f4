using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Pipeline;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The spool when the disk fills in the middle of a write (a short write, then ENOSPC) or fails an fsync, injected
/// deterministically (<see cref="TearingSpoolFileSystem"/>): the commit fails and nothing of it becomes visible, the
/// records are written again whole once the disk takes them, and a spool left with a torn record at its tail (the
/// process killed while the disk was full) truncates it when opened instead of handing it to a reader as a record.
/// FullDiskSpoolTests does the same on a real full tmpfs.
/// </summary>
public sealed class TornAppendSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "torn-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private SpoolOptions Options(long segment = 64 * 1024) => new() { Directory = _dir, SegmentBytes = segment, MaxBytes = 1 << 20 };

    private static byte[] Record(int i) => Encoding.UTF8.GetBytes($"record-{i:D5}-" + new string((char)('a' + (i % 26)), 40 + (i % 13)));

    private static IEnumerable<string> Expected(int from, int count) =>
        Enumerable.Range(from, count).Select(i => Encoding.UTF8.GetString(Record(i)));

    private static List<string> Read(SpoolReader reader)
    {
        var seen = new List<string>();
        while (reader.Read(1000, seen, static (r, _, list) => list.Add(Encoding.UTF8.GetString(r))) > 0) { }
        return seen;
    }

    private string Segment(long id) => Path.Combine(_dir, id.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + ".seg");

    [Theory]
    [InlineData(0)]   // nothing of the write stored
    [InlineData(5)]   // part of the first record's header
    [InlineData(100)] // the first record whole, the second cut in its payload
    public void A_short_write_fails_the_commit_shows_nothing_and_the_records_are_written_whole_once_the_disk_takes_them(int stored)
    {
        var files = new TearingSpoolFileSystem();
        using var spool = DiskSpool.Open(Options(), NullLogger.Instance, files);
        using var reader = spool.CreateReader();
        for (int i = 0; i < 10; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.True(spool.Commit());
        long committed = new FileInfo(Segment(1)).Length;

        files.TearAfter = stored;
        for (int i = 10; i < 30; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.False(spool.Commit());
        Assert.False(spool.Commit());
        Assert.Equal(2, files.TornWrites);
        Assert.StartsWith("disk error: ", spool.BlockedReason);
        Assert.Equal(committed + stored, new FileInfo(Segment(1)).Length); // the torn bytes are on disk ...
        Assert.Equal(Expected(0, 10), Read(reader));                      // ... and no reader sees them
        Assert.Equal(10, spool.PendingRecords);

        files.TearAfter = null;
        Assert.True(spool.Commit());
        Assert.Null(spool.BlockedReason);
        Assert.Equal(Expected(10, 20), Read(reader));
        using var again = spool.CreateReader();
        Assert.Equal(Expected(0, 30), Read(again)); // written over the torn bytes: each record once, whole
    }

    [Fact]
    public void A_failed_fsync_keeps_the_records_invisible_and_the_next_commit_writes_them_again()
    {
        var files = new TearingSpoolFileSystem();
        using var spool = DiskSpool.Open(Options(), NullLogger.Instance, files);
        using var reader = spool.CreateReader();
        for (int i = 0; i < 5; i++) Assert.True(spool.TryAppend(Record(i)));
        files.FailFlushes = true;
        Assert.False(spool.Commit());
        Assert.Empty(Read(reader));
        Assert.Equal(0, spool.PendingRecords);

        files.FailFlushes = false;
        Assert.True(spool.Commit());
        Assert.Equal(Expected(0, 5), Read(reader));
        Assert.Equal(5, spool.PendingRecords);
    }

    [Fact]
    public void A_spool_killed_with_a_torn_record_at_its_tail_truncates_it_when_opened_and_appends_after_the_whole_records()
    {
        var files = new TearingSpoolFileSystem();
        var spool = DiskSpool.Open(Options(), NullLogger.Instance, files);
        for (int i = 0; i < 10; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.True(spool.Commit());
        long committed = new FileInfo(Segment(1)).Length;
        int first = SegmentFile.HeaderSize + Record(10).Length;
        files.TearAfter = first + 20; // record 10 whole, record 11 cut 12 bytes into its payload
        for (int i = 10; i < 20; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.False(spool.Commit());
        spool.Dispose(); // its last write is torn the same way: as if killed while the disk was full
        Assert.Equal(committed + first + 20, new FileInfo(Segment(1)).Length);

        var log = new ListLogger();
        using (var reopened = DiskSpool.Open(Options(), log))
        {
            // Record 10 reached the disk whole (never acknowledged: at worst delivered again and dropped as a duplicate);
            // the torn record 11 is cut off, not read as one.
            Assert.Equal(committed + first, new FileInfo(Segment(1)).Length);
            Assert.Contains(log.Lines, l => l.Contains("torn or corrupt tail", StringComparison.Ordinal));
            using var reader = reopened.CreateReader();
            Assert.Equal(Expected(0, 11), Read(reader));

            for (int i = 20; i < 25; i++) Assert.True(reopened.TryAppend(Record(i)));
            Assert.True(reopened.Commit());
            Assert.Equal(Expected(20, 5), Read(reader));
        }

        using var last = DiskSpool.Open(Options());
        using var all = last.CreateReader();
        Assert.Equal(Expected(0, 11).Concat(Expected(20, 5)), Read(all));
    }

    [Fact]
    public void A_segment_roll_torn_by_the_disk_refuses_the_append_and_loses_nothing_once_the_disk_takes_it()
    {
        var files = new TearingSpoolFileSystem();
        using var spool = DiskSpool.Open(Options(segment: 4096), NullLogger.Instance, files);
        using var reader = spool.CreateReader();
        Assert.True(spool.TryAppend(Record(0)));
        Assert.True(spool.Commit());
        int appended = 1;
        files.TearAfter = 30;
        while (spool.TryAppend(Record(appended)))
        {
            appended++;
            Assert.True(appended < 200, "a 4 KiB segment must be finished within 200 records of ~60 bytes");
        }

        Assert.StartsWith("disk error: ", spool.BlockedReason);
        Assert.False(spool.Commit());
        Assert.Equal(Expected(0, 1), Read(reader));

        files.TearAfter = null;
        Assert.True(spool.Commit());
        Assert.True(spool.TryAppend(Record(appended)));
        Assert.True(spool.Commit());
        Assert.Null(spool.BlockedReason);
        Assert.Equal(Expected(1, appended), Read(reader));
        Assert.True(File.Exists(Segment(2)), "the append after the roll went to a new segment");
    }
}
