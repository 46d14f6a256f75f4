using System.Text;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// Several named readers on one spool: each reads everything at its own pace from its own checkpoint, segments go only
/// when the slowest reader is past them, and a restart gives every reader back its own position.
/// </summary>
public sealed class SpoolReadersTests : IDisposable
{
    private static readonly string[] Readers = [DiskSpool.WriterReader, "rules"];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "readers-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private SpoolOptions Options() => new() { Directory = _dir, SegmentBytes = 4096, MaxBytes = 1 << 20 };

    private static byte[] Record(int i) => Encoding.UTF8.GetBytes($"record-{i:D5}-" + new string('x', 30));

    private static void Append(DiskSpool spool, int from, int count)
    {
        for (int i = from; i < from + count; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.True(spool.Commit());
    }

    /// <summary>Reads up to <paramref name="max"/> records, confirms them, returns their indexes.</summary>
    private static List<int> ReadAndConfirm(DiskSpool spool, string name, int max)
    {
        var seen = new List<int>();
        using SpoolReader reader = spool.CreateReader(name);
        while (seen.Count < max && reader.Read(max - seen.Count, seen, static (r, _, list) => list.Add(int.Parse(Encoding.UTF8.GetString(r)[7..12]))) > 0)
        {
        }

        reader.Confirm(reader.Position, seen.Count);
        return seen;
    }

    private int SegmentFiles() => Directory.GetFiles(_dir, "*.seg").Length;

    [Fact]
    public void Each_reader_reads_every_record_and_segments_go_only_after_the_slowest()
    {
        using var spool = DiskSpool.Open(Options(), readers: Readers);
        Append(spool, 0, 400);
        int segments = SegmentFiles();
        Assert.True(segments > 3, "400 records of ~50 bytes span several 4 KiB segments");

        Assert.Equal(Enumerable.Range(0, 400), ReadAndConfirm(spool, DiskSpool.WriterReader, 1000));
        Assert.Equal(0, spool.PendingRecordsOf(DiskSpool.WriterReader));
        Assert.Equal(400, spool.PendingRecordsOf("rules"));
        Assert.Equal(400, spool.PendingRecords); // the slowest reader's
        Assert.Equal(segments, SegmentFiles()); // the rules still need all of them

        Assert.Equal(Enumerable.Range(0, 150), ReadAndConfirm(spool, "rules", 150));
        Assert.Equal(250, spool.PendingRecords);
        Assert.InRange(SegmentFiles(), 1, segments - 1); // segments before the rules' checkpoint are gone

        Assert.Equal(Enumerable.Range(150, 250), ReadAndConfirm(spool, "rules", 1000));
        Assert.Equal(0, spool.PendingRecords);
        Assert.Equal(1, SegmentFiles());
    }

    [Fact]
    public void A_reopened_spool_gives_each_reader_its_own_checkpoint()
    {
        using (var spool = DiskSpool.Open(Options(), readers: Readers))
        {
            Append(spool, 0, 300);
            ReadAndConfirm(spool, DiskSpool.WriterReader, 250);
            ReadAndConfirm(spool, "rules", 40);
            Append(spool, 300, 10);
        }

        using var reopened = DiskSpool.Open(Options(), readers: Readers);
        Assert.Equal(60, reopened.PendingRecordsOf(DiskSpool.WriterReader));
        Assert.Equal(270, reopened.PendingRecordsOf("rules"));
        Assert.Equal(Enumerable.Range(250, 60), ReadAndConfirm(reopened, DiskSpool.WriterReader, 1000));
        Assert.Equal(Enumerable.Range(40, 270), ReadAndConfirm(reopened, "rules", 1000));
    }

    [Fact]
    public void The_writer_keeps_the_checkpoint_of_a_one_reader_spool_and_a_new_reader_starts_at_the_oldest_record_kept()
    {
        int kept;
        using (var spool = DiskSpool.Open(Options()))
        {
            Append(spool, 0, 300);
            ReadAndConfirm(spool, DiskSpool.WriterReader, 200);
            Assert.True(File.Exists(Path.Combine(_dir, "checkpoint")), "the one-reader spool's checkpoint file");
            kept = 300 - int.Parse(Encoding.UTF8.GetString(FirstRecordKept())[7..12]);
        }

        using var reopened = DiskSpool.Open(Options(), readers: Readers);
        Assert.Equal(100, reopened.PendingRecordsOf(DiskSpool.WriterReader));
        Assert.Equal(kept, reopened.PendingRecordsOf("rules"));
        Assert.True(kept >= 100, "the oldest segment kept holds the writer's position");
        Assert.Equal(Enumerable.Range(300 - kept, kept), ReadAndConfirm(reopened, "rules", 1000));
    }

    [Fact]
    public void A_checkpoint_of_a_reader_no_longer_named_holds_nothing_back()
    {
        using (var spool = DiskSpool.Open(Options(), readers: Readers))
        {
            Append(spool, 0, 300);
            ReadAndConfirm(spool, "rules", 10);
        }

        using var reopened = DiskSpool.Open(Options());
        Append(reopened, 300, 1);
        ReadAndConfirm(reopened, DiskSpool.WriterReader, 1000);
        Assert.Equal(0, reopened.PendingRecords);
        Assert.Equal(1, SegmentFiles());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Rules")]
    [InlineData("1rules")]
    [InlineData("rules/../x")]
    [InlineData("a-name-that-is-longer-than-32-chars")]
    public void Reader_names_that_cannot_name_a_file_are_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => DiskSpool.Open(Options(), readers: [name]));
        Assert.Contains("[a-z0-9-]", error.Message);
    }

    [Fact]
    public void An_unknown_reader_is_an_error_naming_the_readers()
    {
        using var spool = DiskSpool.Open(Options(), readers: Readers);
        var error = Assert.Throws<ArgumentException>(() => spool.CreateReader("export"));
        Assert.Contains("writer, rules", error.Message);
    }

    private byte[] FirstRecordKept()
    {
        string first = Directory.GetFiles(_dir, "*.seg").Order(StringComparer.Ordinal).First();
        byte[] bytes = File.ReadAllBytes(first);
        int length = BitConverter.ToInt32(bytes, 0);
        return bytes[8..(8 + length)];
    }
}
