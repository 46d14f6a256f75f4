using System.Buffers.Binary;
using System.Text;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// What the spool keeps of an accepted MQTT message: <c>[i64 LE arrival Unix ms][u16 LE topic length][topic UTF-8][payload]</c>.
/// The arrival time is kept so that a replay derives exactly the same timestamps (a0 ages, status time), which is
/// what makes a replay overwrite its earlier write in InfluxDB instead of adding points.
/// </summary>
public static class SpooledMessage
{
    private const int FixedSize = 10;

    public static int MaxSize(string topic, int payloadLength) => FixedSize + Encoding.UTF8.GetMaxByteCount(topic.Length) + payloadLength;

    /// <summary>Writes the record into <paramref name="destination"/> and returns its length.</summary>
    public static int Write(Span<byte> destination, long arrivalMs, string topic, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, arrivalMs);
        int topicLength = Encoding.UTF8.GetBytes(topic, destination[FixedSize..]);
        if (topicLength > ushort.MaxValue) throw new ArgumentException("topic too long", nameof(topic));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], (ushort)topicLength);
        payload.CopyTo(destination[(FixedSize + topicLength)..]);
        return FixedSize + topicLength + payload.Length;
    }

    public static bool TryRead(ReadOnlySpan<byte> record, out long arrivalMs, out ReadOnlySpan<byte> topic, out ReadOnlySpan<byte> payload)
    {
        arrivalMs = 0;
        topic = payload = default;
        if (record.Length < FixedSize) return false;
        arrivalMs = BinaryPrimitives.ReadInt64LittleEndian(record);
        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
        if (record.Length - FixedSize < topicLength) return false;
        topic = record.Slice(FixedSize, topicLength);
        payload = record[(FixedSize + topicLength)..];
        return true;
    }
}
