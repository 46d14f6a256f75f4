using System.Buffers.Binary;
using System.Text;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// The binary form of a <see cref="DecodedMessage"/> kept in a version 2 spool record, so that no reader of the spool
/// parses the JSON payload again (the writer's re-parse was about 8 % of the gateway's CPU). Little endian throughout:
/// <code>
/// u8 kind, u8 flags (1 clock synced, 2 time estimated, 4 online, 8 tag removed), i64 boot, i64 seq, i64 time ms,
/// f64 battery V, u8 event kind, f64 event value, u16 reading count, readings (i64 offset ms, f64 temp, rh, hPa, g),
/// u16 presence bits of the optional integers (rssi, spool, thinned, life_d, report_s, wakes, radio_ms, ev_drop),
/// the present ones as i64, then fw, cfg_err, sensor_err as u16 UTF-8 length (0xFFFF: absent) and bytes.
/// </code>
/// Reading it back needs no validation beyond bounds: only ingest writes it, after the decoder accepted the message, and
/// the segment's CRC guards it on disk. A record that does not parse is reported as such (the caller dead-letters it).
/// </summary>
public static class DecodedFields
{
    private const int FixedSize = 1 + 1 + 8 + 8 + 8 + 8 + 1 + 8 + 2;
    private const int ReadingSize = 8 + (4 * 8);
    private const int OptionalCount = 8;
    private const ushort Absent = ushort.MaxValue;

    /// <summary>An upper bound of <see cref="Write"/>'s length for <paramref name="m"/>.</summary>
    public static int MaxSize(DecodedMessage m) =>
        FixedSize + (m.ReadingCount * ReadingSize) + 2 + (OptionalCount * 8) + MaxStringSize(m.Firmware)
        + MaxStringSize(m.ConfigError) + MaxStringSize(m.SensorError);

    /// <summary>Writes <paramref name="m"/> into <paramref name="destination"/> (at least <see cref="MaxSize"/> bytes); returns the length.</summary>
    public static int Write(Span<byte> destination, DecodedMessage m)
    {
        destination[0] = (byte)m.Kind;
        destination[1] = (byte)((m.ClockSynced ? 1 : 0) | (m.TimeEstimated ? 2 : 0) | (m.Online ? 4 : 0) | (m.TagRemoved ? 8 : 0));
        BinaryPrimitives.WriteInt64LittleEndian(destination[2..], m.Boot);
        BinaryPrimitives.WriteInt64LittleEndian(destination[10..], m.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(destination[18..], m.TimeMs);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[26..], m.BatteryV);
        destination[34] = (byte)m.EventKind;
        BinaryPrimitives.WriteDoubleLittleEndian(destination[35..], m.EventValue);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[43..], (ushort)m.ReadingCount);
        int at = FixedSize;
        foreach (ref readonly Reading r in m.Readings)
        {
            Span<byte> slot = destination.Slice(at, ReadingSize);
            BinaryPrimitives.WriteInt64LittleEndian(slot, r.OffsetMs);
            BinaryPrimitives.WriteDoubleLittleEndian(slot[8..], r.TemperatureC);
            BinaryPrimitives.WriteDoubleLittleEndian(slot[16..], r.HumidityPct);
            BinaryPrimitives.WriteDoubleLittleEndian(slot[24..], r.PressureHpa);
            BinaryPrimitives.WriteDoubleLittleEndian(slot[32..], r.PeakG);
            at += ReadingSize;
        }

        int presenceAt = at;
        at += 2;
        ushort presence = 0;
        WriteOptional(destination, ref at, ref presence, 0, m.Rssi);
        WriteOptional(destination, ref at, ref presence, 1, m.SpoolDepth);
        WriteOptional(destination, ref at, ref presence, 2, m.Thinned);
        WriteOptional(destination, ref at, ref presence, 3, m.LifeDays);
        WriteOptional(destination, ref at, ref presence, 4, m.ReportS);
        WriteOptional(destination, ref at, ref presence, 5, m.Wakes);
        WriteOptional(destination, ref at, ref presence, 6, m.RadioMs);
        WriteOptional(destination, ref at, ref presence, 7, m.EventsDropped);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[presenceAt..], presence);
        WriteString(destination, ref at, m.Firmware);
        WriteString(destination, ref at, m.ConfigError);
        WriteString(destination, ref at, m.SensorError);
        return at;
    }

    /// <summary>Fills <paramref name="m"/> from <paramref name="source"/>; false when it is not a whole, well-formed encoding.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, DecodedMessage m)
    {
        if (source.Length < FixedSize) return false;
        var kind = (MessageKind)source[0];
        if (kind is not (MessageKind.Telemetry or MessageKind.Event or MessageKind.Status)) return false;
        int count = BinaryPrimitives.ReadUInt16LittleEndian(source[43..]);
        if (count > DecodedMessage.MaxReadings || source.Length < FixedSize + (count * ReadingSize) + 2) return false;
        m.Reset(kind);
        byte flags = source[1];
        m.ClockSynced = (flags & 1) != 0;
        m.TimeEstimated = (flags & 2) != 0;
        m.Online = (flags & 4) != 0;
        m.TagRemoved = (flags & 8) != 0;
        m.Boot = BinaryPrimitives.ReadInt64LittleEndian(source[2..]);
        m.Seq = BinaryPrimitives.ReadInt64LittleEndian(source[10..]);
        m.TimeMs = BinaryPrimitives.ReadInt64LittleEndian(source[18..]);
        m.BatteryV = BinaryPrimitives.ReadDoubleLittleEndian(source[26..]);
        m.EventKind = (TagEventKind)source[34];
        m.EventValue = BinaryPrimitives.ReadDoubleLittleEndian(source[35..]);
        Reading[] readings = m.ReadingBuffer;
        int at = FixedSize;
        for (int i = 0; i < count; i++, at += ReadingSize)
        {
            ReadOnlySpan<byte> slot = source.Slice(at, ReadingSize);
            readings[i] = new Reading
            {
                OffsetMs = BinaryPrimitives.ReadInt64LittleEndian(slot),
                TemperatureC = BinaryPrimitives.ReadDoubleLittleEndian(slot[8..]),
                HumidityPct = BinaryPrimitives.ReadDoubleLittleEndian(slot[16..]),
                PressureHpa = BinaryPrimitives.ReadDoubleLittleEndian(slot[24..]),
                PeakG = BinaryPrimitives.ReadDoubleLittleEndian(slot[32..]),
            };
        }

        m.ReadingCount = count;
        ushort presence = BinaryPrimitives.ReadUInt16LittleEndian(source[at..]);
        at += 2;
        if (presence >> OptionalCount != 0 || source.Length < at + (8 * int.PopCount(presence))) return false;
        m.Rssi = ReadOptional(source, ref at, presence, 0);
        m.SpoolDepth = ReadOptional(source, ref at, presence, 1);
        m.Thinned = ReadOptional(source, ref at, presence, 2);
        m.LifeDays = ReadOptional(source, ref at, presence, 3);
        m.ReportS = ReadOptional(source, ref at, presence, 4);
        m.Wakes = ReadOptional(source, ref at, presence, 5);
        m.RadioMs = ReadOptional(source, ref at, presence, 6);
        m.EventsDropped = ReadOptional(source, ref at, presence, 7);
        if (!TryReadString(source, ref at, out string? firmware)
            || !TryReadString(source, ref at, out string? configError)
            || !TryReadString(source, ref at, out string? sensorError))
        {
            return false;
        }

        m.Firmware = firmware;
        m.ConfigError = configError;
        m.SensorError = sensorError;
        return at == source.Length;
    }

    private static int MaxStringSize(string? text) => 2 + (text is null ? 0 : Encoding.UTF8.GetMaxByteCount(text.Length));

    private static void WriteOptional(Span<byte> destination, ref int at, ref ushort presence, int bit, long? value)
    {
        if (value is not long v) return;
        presence |= (ushort)(1 << bit);
        BinaryPrimitives.WriteInt64LittleEndian(destination[at..], v);
        at += 8;
    }

    private static long? ReadOptional(ReadOnlySpan<byte> source, ref int at, ushort presence, int bit)
    {
        if ((presence & (1 << bit)) == 0) return null;
        long value = BinaryPrimitives.ReadInt64LittleEndian(source[at..]);
        at += 8;
        return value;
    }

    private static void WriteString(Span<byte> destination, ref int at, string? text)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], Absent);
            at += 2;
            return;
        }

        // The decoder bounds these strings far below 64 KiB (cfg_err, sensor_err, fw are short fields of a 4 KiB payload).
        int length = Encoding.UTF8.GetBytes(text, destination[(at + 2)..]);
        if (length >= Absent) throw new ArgumentException("string field too long for a spool record", nameof(text));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)length);
        at += 2 + length;
    }

    private static bool TryReadString(ReadOnlySpan<byte> source, ref int at, out string? text)
    {
        text = null;
        if (source.Length < at + 2) return false;
        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(source[at..]);
        at += 2;
        if (length == Absent) return true;
        if (source.Length < at + length) return false;
        text = Encoding.UTF8.GetString(source.Slice(at, length));
        at += length;
        return true;
    }
}
