using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Tracking.Mqtt;

/// <summary>
/// Reads the MQTT data representations (§1.5 in both specs) from one packet's body.
/// Every read is bounds-checked and fails with <see cref="MqttProtocolException"/>, never with an index error.
/// </summary>
public ref struct MqttWireReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public MqttWireReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Remaining => _buffer.Length - _position;
    public readonly bool End => _position == _buffer.Length;
    public readonly int Position => _position;

    public byte ReadByte()
    {
        if (_position >= _buffer.Length) throw Truncated("byte");
        return _buffer[_position++];
    }

    public ushort ReadUInt16()
    {
        var s = Take(2, "two byte integer");
        return BinaryPrimitives.ReadUInt16BigEndian(s);
    }

    public uint ReadUInt32()
    {
        var s = Take(4, "four byte integer");
        return BinaryPrimitives.ReadUInt32BigEndian(s);
    }

    /// <summary>§1.5.5 (5.0) / §2.2.3 (3.1.1): at most four bytes, and (5.0) the minimum number of them.</summary>
    public int ReadVariableByteInteger()
    {
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            byte b = ReadByte();
            if (i > 0 && b == 0)
                throw MqttProtocolException.Malformed("variable byte integer is not in its shortest form");
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) return value;
        }
        throw MqttProtocolException.Malformed("variable byte integer longer than four bytes");
    }

    /// <summary>A UTF-8 encoded string (§1.5.4): well-formed, no U+0000; returned as its validated bytes.</summary>
    public ReadOnlySpan<byte> ReadUtf8()
    {
        int length = ReadUInt16();
        var bytes = Take(length, "UTF-8 string");
        MqttWire.ValidateUtf8(bytes);
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadUtf8());

    /// <summary>Binary data (§1.5.6): two byte length, then the bytes.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        int length = ReadUInt16();
        return Take(length, "binary data");
    }

    public ReadOnlySpan<byte> ReadRest()
    {
        var rest = _buffer[_position..];
        _position = _buffer.Length;
        return rest;
    }

    public ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count > Remaining) throw Truncated(what);
        var s = _buffer.Slice(_position, count);
        _position += count;
        return s;
    }

    public readonly void ExpectEnd(string packet)
    {
        if (!End) throw MqttProtocolException.Malformed($"{packet} has {Remaining} unexpected trailing bytes");
    }

    private readonly MqttProtocolException Truncated(string what) =>
        MqttProtocolException.Malformed($"packet ends inside a {what} at offset {_position}");
}

/// <summary>Sizes, validation and writing of the MQTT data representations.</summary>
public static class MqttWire
{
    /// <summary>The largest value of a Variable Byte Integer, and so of a packet's Remaining Length.</summary>
    public const int MaxVariableByteInteger = 268_435_455;

    public static int VariableByteIntegerSize(int value) => value switch
    {
        < 0 => throw new ArgumentOutOfRangeException(nameof(value)),
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        <= MaxVariableByteInteger => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(value), "above the largest variable byte integer"),
    };

    /// <summary>Size of a UTF-8 string field: two length bytes plus the encoded string.</summary>
    public static int StringSize(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        if (n > ushort.MaxValue) throw new ArgumentException($"string of {n} bytes is longer than 65,535", nameof(value));
        return 2 + n;
    }

    public static int BinarySize(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue) throw new ArgumentException("binary data longer than 65,535 bytes", nameof(value));
        return 2 + value.Length;
    }

    /// <summary>§1.5.4: ill-formed UTF-8 (including encoded surrogates) and U+0000 are malformed.</summary>
    public static void ValidateUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!Utf8.IsValid(bytes)) throw MqttProtocolException.Malformed("string is not well-formed UTF-8");
        if (bytes.IndexOf((byte)0) >= 0) throw MqttProtocolException.Malformed("string contains U+0000");
    }

    /// <summary>Rejects strings we are about to send that the peer would have to treat as malformed.</summary>
    public static void ValidateOutgoing(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value, what);
        if (value.Contains('\0')) throw new ArgumentException($"{what} contains U+0000", what);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && (i + 1 >= value.Length || !char.IsLowSurrogate(value[++i])))
                throw new ArgumentException($"{what} contains an unpaired surrogate", what);
            if (char.IsLowSurrogate(c)) throw new ArgumentException($"{what} contains an unpaired surrogate", what);
        }
    }
}

/// <summary>Writes MQTT data representations into a span sized beforehand by the packet.</summary>
public ref struct MqttWireWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public MqttWireWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Written => _position;

    /// <summary>Reserves a whole packet in <paramref name="output"/> and writes its fixed header (§2.1).</summary>
    public static MqttWireWriter BeginPacket(IBufferWriter<byte> output, byte firstByte, int bodySize, out int packetSize)
    {
        if (bodySize > MqttWire.MaxVariableByteInteger)
            throw new ArgumentException($"packet body of {bodySize} bytes exceeds the MQTT maximum");
        packetSize = 1 + MqttWire.VariableByteIntegerSize(bodySize) + bodySize;
        var writer = new MqttWireWriter(output.GetSpan(packetSize)[..packetSize]);
        writer.WriteByte(firstByte);
        writer.WriteVariableByteInteger(bodySize);
        return writer;
    }

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteVariableByteInteger(int value)
    {
        uint v = (uint)value;
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            if (v > 0) b |= 0x80;
            _buffer[_position++] = b;
        } while (v > 0);
    }

    public void WriteString(string value)
    {
        int n = Encoding.UTF8.GetBytes(value, _buffer[(_position + 2)..]);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], (ushort)n);
        _position += 2 + n;
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>Guards the size arithmetic of every packet: the bytes written must fill the reserved span.</summary>
    public readonly void Complete(IBufferWriter<byte> output)
    {
        if (_position != _buffer.Length)
            throw new InvalidOperationException($"packet size computed as {_buffer.Length} but {_position} bytes were written");
        output.Advance(_position);
    }
}
