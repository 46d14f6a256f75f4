using System.Text;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

public sealed class DiskSpoolTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "spool-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private SpoolOptions Options(long segment = 4096, long max = 1 << 20) =>
        new() { Directory = _dir, SegmentBytes = segment, MaxBytes = max };

    private static byte[] Record(int i) => Encoding.UTF8.GetBytes($"record-{i:D5}-" + new string('x', i % 50));

    private static List<string> ReadAll(DiskSpool spool, out SpoolReader reader)
    {
        var seen = new List<string>();
        reader = spool.CreateReader();
        while (reader.Read(100, seen, static (r, _, list) => list.Add(Encoding.UTF8.GetString(r))) > 0) { }
        return seen;
    }

    [Fact]
    public void Appended_records_are_invisible_until_committed_then_read_in_order_across_segments()
    {
        using var spool = DiskSpool.Open(Options());
        for (int i = 0; i < 300; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.Empty(ReadAll(spool, out var r0));
        r0.Dispose();
        spool.Commit();
        var seen = ReadAll(spool, out var reader);
        using (reader)
        {
            Assert.Equal(Enumerable.Range(0, 300).Select(i => Encoding.UTF8.GetString(Record(i))), seen);
            Assert.True(SegmentFileCount() > 1, "300 records of ~40 bytes must span several 4 KiB segments");
            Assert.Equal(300, spool.PendingRecords);
        }
    }

    [Fact]
    public void Reopening_replays_everything_after_the_checkpoint_and_deletes_confirmed_segments()
    {
        using (var spool = DiskSpool.Open(Options()))
        {
            for (int i = 0; i < 300; i++) spool.TryAppend(Record(i));
            spool.Commit();
            using var reader = spool.CreateReader();
            int count = 0;
            reader.Read(200, 0, static (_, _, _) => { });
            count = 200;
            int before = SegmentFileCount();
            spool.Confirm(reader.Position, count);
            Assert.True(SegmentFileCount() < before, "segments wholly before the checkpoint are deleted");
            Assert.Equal(100, spool.PendingRecords);
        }

        using var reopened = DiskSpool.Open(Options());
        Assert.Equal(100, reopened.PendingRecords);
        var seen = ReadAll(reopened, out var r);
        r.Dispose();
        Assert.Equal(Enumerable.Range(200, 100).Select(i => Encoding.UTF8.GetString(Record(i))), seen);
    }

    [Theory]
    [InlineData(3)]   // inside the header
    [InlineData(12)]  // inside the payload
    [InlineData(-1)]  // complete length, payload byte flipped (CRC mismatch)
    public void A_torn_last_record_is_truncated_without_losing_earlier_ones(int cut)
    {
        using (var spool = DiskSpool.Open(Options(segment: 1 << 20, max: 4 << 20)))
        {
            for (int i = 0; i < 10; i++) spool.TryAppend(Record(i));
            spool.Commit();
        }

        string segment = Directory.GetFiles(_dir, "*.seg").Single();
        long length = new FileInfo(segment).Length;
        using (var f = new FileStream(segment, FileMode.Open))
        {
            // Simulate a crash mid-append: a partial 11th record, or a corrupted byte in it.
            var extra = new byte[8 + Record(10).Length];
            Tracking.Gateway.Ingest.Spooling.SegmentFile.WriteHeader(extra, Record(10));
            Record(10).CopyTo(extra, 8);
            f.Seek(0, SeekOrigin.End);
            if (cut >= 0) f.Write(extra, 0, cut);
            else { extra[^1] ^= 0xFF; f.Write(extra); }
        }

        using var reopened = DiskSpool.Open(Options(segment: 1 << 20, max: 4 << 20));
        Assert.Equal(length, new FileInfo(segment).Length);
        Assert.Equal(10, reopened.PendingRecords);
        Assert.True(reopened.TryAppend(Record(10)));
        reopened.Commit();
        var seen = ReadAll(reopened, out var r);
        r.Dispose();
        Assert.Equal(Enumerable.Range(0, 11).Select(i => Encoding.UTF8.GetString(Record(i))), seen);
    }

    [Fact]
    public async Task A_full_spool_refuses_appends_until_confirmation_frees_segments()
    {
        using var spool = DiskSpool.Open(Options(segment: 4096, max: 3 * 4096));
        int appended = 0;
        while (spool.TryAppend(new byte[500])) appended++;
        spool.Commit();
        Assert.True(spool.IsFull || !spool.TryAppend(new byte[500]));
        Assert.InRange(appended, 18, 24);

        Task space = spool.WaitForSpaceAsync(500, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(space.IsCompleted, "no space until something is confirmed");

        using var reader = spool.CreateReader();
        int read = reader.Read(10, 0, static (_, _, _) => { });
        spool.Confirm(reader.Position, read);
        await space.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(spool.TryAppend(new byte[500]));
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Crc32c_matches_a_bitwise_reference_for_every_length_and_split()
    {
        var data = new byte[100];
        new Random(42).NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            ReadOnlySpan<byte> span = data.AsSpan(0, length);
            uint expected = BitwiseCrc32C(span);
            Assert.Equal(expected, Crc32C.Compute(span));
            Assert.Equal(expected, Crc32C.Append(Crc32C.Compute(span[..(length / 3)]), span[(length / 3)..]));
        }

        static uint BitwiseCrc32C(ReadOnlySpan<byte> bytes)
        {
            uint c = 0xFFFFFFFF;
            foreach (byte b in bytes)
            {
                c ^= b;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            return ~c;
        }
    }

    private int SegmentFileCount() => Directory.GetFiles(_dir, "*.seg").Length;
}
