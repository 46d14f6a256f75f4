using System.Buffers.Binary;
using System.Text;

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
