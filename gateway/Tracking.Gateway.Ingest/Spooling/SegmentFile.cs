using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// On-disk layout of one segment: a sequence of records, each
/// <c>[u32 LE payload length][u32 LE CRC-32C of payload][payload]</c>. A record whose header or payload is
/// incomplete or whose CRC does not match ends the valid part of the segment (a torn write after a crash).
/// </summary>
internal static class SegmentFile
{
    public const int HeaderSize = 8;
    public const int MaxPayload = 1024 * 1024;
    private const string Extension = ".seg";

    public static string PathOf(string directory, long segment) =>
        Path.Combine(directory, segment.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    /// <summary>Segment numbers present in <paramref name="directory"/>, ascending.</summary>
    public static List<long> List(string directory)
    {
        var ids = new List<long>();
        foreach (string file in System.IO.Directory.EnumerateFiles(directory, "*" + Extension))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                ids.Add(id);
            }
        }

        ids.Sort();
        return ids;
    }

    public static void WriteHeader(Span<byte> header, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32C.Compute(payload));
    }

    /// <summary>
    /// Parses the record at the start of <paramref name="data"/>. Returns its total size, 0 when
    /// <paramref name="data"/> holds only part of it, or -1 when it is corrupt (bad length or CRC).
    /// </summary>
    public static int TryParse(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (data.Length < HeaderSize) return 0;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (length == 0 || length > MaxPayload) return -1;
        if (data.Length - HeaderSize < length) return 0;
        payload = data.Slice(HeaderSize, (int)length);
        return Crc32C.Compute(payload) == BinaryPrimitives.ReadUInt32LittleEndian(data[4..]) ? HeaderSize + (int)length : -1;
    }

    /// <summary>
    /// Scans a whole segment from <paramref name="from"/>: the offset where its valid records end and how many
    /// there are. Anything after that offset is a torn or corrupt tail.
    /// </summary>
    public static (long ValidEnd, long Records) Scan(SafeFileHandle file, long from)
    {
        long length = RandomAccess.GetLength(file);
        var buffer = new byte[256 * 1024];
        long offset = from;
        long records = 0;
        while (offset < length)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read <= 0) break;
            int used = 0;
            while (true)
            {
                int size = TryParse(buffer.AsSpan(used, read - used), out _);
                if (size <= 0)
                {
                    if (size < 0 || (used == 0 && (read < buffer.Length || offset + read >= length)))
                    {
                        return (offset + used, records);
                    }

                    if (used == 0)
                    {
                        // A record larger than the buffer: grow and read again.
                        buffer = new byte[buffer.Length * 2];
                    }

                    break;
                }

                used += size;
                records++;
            }

            offset += used;
        }

        return (offset, records);
    }
}
