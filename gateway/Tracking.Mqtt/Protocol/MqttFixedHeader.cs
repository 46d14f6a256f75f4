using System.Buffers;

namespace Tracking.Mqtt;

/// <summary>
/// The fixed header (§2.1): packet type, flags and the Remaining Length. Finding where one packet ends is
/// the only thing done before the whole packet is buffered, so the size limit is enforced here, before
/// memory is committed to a hostile length.
/// </summary>
public static class MqttFixedHeader
{
    /// <summary>
    /// Reads a fixed header from the start of <paramref name="buffer"/>. False when more bytes are needed.
    /// Throws when the header is malformed or announces a packet larger than <paramref name="maxPacketSize"/>.
    /// </summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, int maxPacketSize, out byte firstByte, out int headerLength, out int bodyLength)
    {
        firstByte = 0; headerLength = 0; bodyLength = 0;
        if (buffer.IsEmpty) return false;
        Span<byte> head = stackalloc byte[5];
        int available = (int)Math.Min(buffer.Length, 5);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        firstByte = head[0];
        if ((firstByte >> 4) == 0) throw MqttProtocolException.Malformed("reserved packet type 0");
        int value = 0;
        for (int i = 1; ; i++)
        {
            if (i > 4) throw MqttProtocolException.Malformed("remaining length longer than four bytes");
            if (i >= head.Length) return false;
            byte b = head[i];
            if (i > 1 && b == 0) throw MqttProtocolException.Malformed("remaining length is not in its shortest form");
            value |= (b & 0x7F) << (7 * (i - 1));
            if ((b & 0x80) == 0)
            {
                headerLength = i + 1;
                break;
            }
        }
        bodyLength = value;
        if ((long)headerLength + bodyLength > maxPacketSize)
        {
            throw new MqttProtocolException(
                $"packet of {headerLength + (long)bodyLength} bytes exceeds the maximum packet size of {maxPacketSize}",
                MqttReasonCode.PacketTooLarge);
        }

        return true;
    }

    /// <summary>§2.1.3: the flags of every packet but PUBLISH are fixed; anything else is malformed.</summary>
    public static void ExpectFlags(MqttPacketType type, byte flags)
    {
        byte expected = RequiredFlags(type);
        if (flags != expected)
            throw MqttProtocolException.Malformed($"{type.ToString().ToUpperInvariant()} has fixed header flags 0x{flags:X}, must be 0x{expected:X}");
    }

    public static byte RequiredFlags(MqttPacketType type) =>
        type is MqttPacketType.PubRel or MqttPacketType.Subscribe or MqttPacketType.Unsubscribe ? (byte)0b0010 : (byte)0;

    public static byte FirstByte(MqttPacketType type) => (byte)(((int)type << 4) | RequiredFlags(type));

    /// <summary>§2.2.1 / §2.2.1 (5.0): packets that carry a Packet Identifier must carry a non-zero one.</summary>
    public static ushort ReadPacketIdentifier(ref MqttWireReader reader, MqttPacketType type)
    {
        ushort id = reader.ReadUInt16();
        if (id == 0) throw MqttProtocolException.Violation($"{type.ToString().ToUpperInvariant()} with packet identifier 0");
        return id;
    }
}
