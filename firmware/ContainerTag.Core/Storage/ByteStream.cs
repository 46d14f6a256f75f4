using System;

namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// Sequential little-endian reader/writer over a byte array, for the variable-length flash formats
    /// (state slots, journal). Reading past the end sets <see cref="Overrun"/> instead of throwing, so a
    /// corrupt blob is rejected by one check at the end.
    /// </summary>
    public class ByteStream
    {
        private byte[] _buffer;
        private int _position;
        private int _limit;
        private bool _reading;

        public ByteStream(int capacity)
        {
            _buffer = new byte[capacity];
            _limit = capacity;
        }

        public ByteStream(byte[] data, int length)
        {
            _buffer = data;
            _limit = length;
            _reading = true;
        }

        public byte[] Buffer { get { return _buffer; } }

        public int Position { get { return _position; } set { _position = value; } }

        public bool Overrun { get; private set; }

        private bool Reserve(int n)
        {
            if (_position + n <= _limit)
            {
                return true;
            }
            if (_limit == _buffer.Length && _limit > 0 && n > 0 && !_reading)
            {
                int size = _buffer.Length * 2;
                while (size < _position + n)
                {
                    size *= 2;
                }
                byte[] bigger = new byte[size];
                Array.Copy(_buffer, bigger, _position);
                _buffer = bigger;
                _limit = size;
                return true;
            }
            Overrun = true;
            return false;
        }

        public void WriteU8(int v) { if (Reserve(1)) { _buffer[_position++] = (byte)v; } }

        public void WriteU16(int v) { if (Reserve(2)) { ByteCodec.PutU16(_buffer, _position, v); _position += 2; } }

        public void WriteU32(long v) { if (Reserve(4)) { ByteCodec.PutU32(_buffer, _position, v); _position += 4; } }

        public void WriteI64(long v) { if (Reserve(8)) { ByteCodec.PutI64(_buffer, _position, v); _position += 8; } }

        public void WriteBool(bool v) { WriteU8(v ? 1 : 0); }

        /// <summary>Doubles are stored as their IEEE bits, exactly.</summary>
        public void WriteDouble(double v) { WriteI64(BitConverter.DoubleToInt64Bits(v)); }

        public void WriteBytes(byte[] data, int offset, int count)
        {
            if (Reserve(count))
            {
                Array.Copy(data, offset, _buffer, _position, count);
                _position += count;
            }
        }

        /// <summary>ASCII string up to 255 chars, length-prefixed; other chars become '?'.</summary>
        public void WriteAscii(string s)
        {
            int n = s == null ? 0 : (s.Length > 255 ? 255 : s.Length);
            WriteU8(n);
            for (int i = 0; i < n; i++)
            {
                char c = s[i];
                WriteU8(c >= ' ' && c < 127 ? c : '?');
            }
        }

        public int ReadU8() { return Reserve(1) ? _buffer[_position++] : 0; }

        public int ReadU16() { if (!Reserve(2)) { return 0; } int v = ByteCodec.GetU16(_buffer, _position); _position += 2; return v; }

        public long ReadU32() { if (!Reserve(4)) { return 0; } long v = ByteCodec.GetU32(_buffer, _position); _position += 4; return v; }

        public long ReadI64() { if (!Reserve(8)) { return 0; } long v = ByteCodec.GetI64(_buffer, _position); _position += 8; return v; }

        public bool ReadBool() { return ReadU8() != 0; }

        public double ReadDouble() { return BitConverter.Int64BitsToDouble(ReadI64()); }

        public byte[] ReadBytes(int count)
        {
            if (count < 0 || !Reserve(count))
            {
                Overrun = true;
                return new byte[0];
            }
            byte[] result = new byte[count];
            Array.Copy(_buffer, _position, result, 0, count);
            _position += count;
            return result;
        }

        public string ReadAscii()
        {
            int n = ReadU8();
            if (!Reserve(n))
            {
                return "";
            }
            char[] chars = new char[n];
            for (int i = 0; i < n; i++)
            {
                chars[i] = (char)_buffer[_position + i];
            }
            _position += n;
            return new string(chars);
        }
    }
}
