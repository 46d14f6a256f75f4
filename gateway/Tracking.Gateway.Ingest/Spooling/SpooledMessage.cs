using System.Buffers.Binary;
using System.Text;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// What the spool keeps of an accepted MQTT message. Version 2 (written since the spool had several readers):
/// <c>[u64 LE: version 2 in the top byte, arrival Unix ms below][u16 LE topic length][topic UTF-8]
/// [u16 LE fields length][<see cref="DecodedFields"/>][payload]</c>. Version 1 (still read, so an old spool replays):
/// <c>[i64 LE arrival Unix ms][u16 LE topic length][topic UTF-8][payload]</c>; an arrival time's top byte is 0 for any
/// date before the year 2,280,000, which is how the two are told apart.
/// The decoded fields spare every reader a second JSON parse; the payload is kept for the dead letters of a record that
/// no longer encodes and for anyone re-processing a spool. The arrival time makes a replay derive exactly the same
/// timestamps (a0 ages, status time), which is what makes a replay overwrite its earlier write in InfluxDB.
/// </summary>
public static class SpooledMessage
{
    public const byte CurrentVersion = 2;
    private const int HeaderSize = 10;
    private const int VersionShift = 56;
    private const long ArrivalMask = (1L << VersionShift) - 1;

    public static int MaxSize(string topic, DecodedMessage fields, int payloadLength) =>
        HeaderSize + Encoding.UTF8.GetMaxByteCount(topic.Length) + 2 + DecodedFields.MaxSize(fields) + payloadLength;

    /// <summary>Writes a version 2 record into <paramref name="destination"/> (<see cref="MaxSize"/> bytes) and returns its length.</summary>
    public static int Write(Span<byte> destination, long arrivalMs, string topic, DecodedMessage fields, ReadOnlySpan<byte> payload)
    {
        if ((ulong)arrivalMs > ArrivalMask) throw new ArgumentOutOfRangeException(nameof(arrivalMs), arrivalMs, "arrival time outside 0..2^56 ms");
        BinaryPrimitives.WriteInt64LittleEndian(destination, ((long)CurrentVersion << VersionShift) | arrivalMs);
        int topicLength = Encoding.UTF8.GetBytes(topic, destination[HeaderSize..]);
        if (topicLength > ushort.MaxValue) throw new ArgumentException("topic too long", nameof(topic));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], (ushort)topicLength);
        int at = HeaderSize + topicLength;
        int fieldsLength = DecodedFields.Write(destination[(at + 2)..], fields);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)fieldsLength);
        at += 2 + fieldsLength;
        payload.CopyTo(destination[at..]);
        return at + payload.Length;
    }

    /// <summary>Writes a version 1 record (no decoded fields): what spools written before version 2 hold.</summary>
    public static int WriteVersion1(Span<byte> destination, long arrivalMs, string topic, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, arrivalMs);
        int topicLength = Encoding.UTF8.GetBytes(topic, destination[HeaderSize..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], (ushort)topicLength);
        payload.CopyTo(destination[(HeaderSize + topicLength)..]);
        return HeaderSize + topicLength + payload.Length;
    }

    /// <summary>
    /// Splits a record; <paramref name="fields"/> is empty for version 1 (decode the payload then). False when the record
    /// is too short for its lengths or of an unknown version.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> record, out long arrivalMs, out ReadOnlySpan<byte> topic,
        out ReadOnlySpan<byte> fields, out ReadOnlySpan<byte> payload)
    {
        arrivalMs = 0;
        topic = fields = payload = default;
        if (record.Length < HeaderSize) return false;
        long word = BinaryPrimitives.ReadInt64LittleEndian(record);
        int version = (int)((ulong)word >> VersionShift);
        if (version is not (0 or CurrentVersion)) return false;
        arrivalMs = word & ArrivalMask;
        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
        if (record.Length - HeaderSize < topicLength) return false;
        topic = record.Slice(HeaderSize, topicLength);
        int at = HeaderSize + topicLength;
        if (version == CurrentVersion)
        {
            if (record.Length - at < 2) return false;
            int fieldsLength = BinaryPrimitives.ReadUInt16LittleEndian(record[at..]);
            at += 2;
            if (record.Length - at < fieldsLength) return false;
            fields = record.Slice(at, fieldsLength);
            at += fieldsLength;
        }

        payload = record[at..];
        return true;
    }
}
