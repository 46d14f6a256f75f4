using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-1 table. System.IO.Hashing is not on
/// this project's package feed. Every record is checksummed when appended and when read, so the CPU's CRC-32C
/// instruction (SSE4.2 / ARMv8 CRC) does the work where there is one; the table is the fallback.
/// </summary>
internal static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (a previous result) over more bytes.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = c;
            for (; data.Length >= 8; data = data[8..]) wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            c = (uint)wide;
            foreach (byte b in data) c = Sse42.Crc32(c, b);
            return ~c;
        }

        if (Crc32.Arm64.IsSupported)
        {
            for (; data.Length >= 8; data = data[8..]) c = Crc32.Arm64.ComputeCrc32C(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
            foreach (byte b in data) c = Crc32.ComputeCrc32C(c, b);
            return ~c;
        }

        foreach (byte b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
