using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Tracking.Mqtt;

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
