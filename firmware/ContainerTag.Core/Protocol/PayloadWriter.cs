using System;

namespace ContainerTag.Core.Protocol
{
    /// <summary>
    /// Writes compact JSON as ASCII bytes straight into one reusable buffer: no strings are built
    /// per reading. Numbers are written from scaled integers with trailing zeros trimmed
    /// (421 with 2 decimals is "4.21", 550 with 1 decimal is "55").
    /// </summary>
    public class PayloadWriter
    {
        private readonly byte[] _buffer;
        private readonly byte[] _digits = new byte[20];
        private int _length;

        public PayloadWriter(int capacity)
        {
            _buffer = new byte[capacity];
        }

        public byte[] Buffer { get { return _buffer; } }

        /// <summary>Bytes written; can be set lower to roll back a partly written element.</summary>
        public int Length
        {
            get { return _length; }
            set { _length = value; Overflow = false; }
        }

        /// <summary>True once a write did not fit; the payload is then incomplete.</summary>
        public bool Overflow { get; private set; }

        public void Reset()
        {
            _length = 0;
            Overflow = false;
        }

        public void Byte(char c)
        {
            if (_length >= _buffer.Length)
            {
                Overflow = true;
                return;
            }
            _buffer[_length++] = (byte)c;
        }

        /// <summary>ASCII text written as is (keys, punctuation).</summary>
        public void Raw(string ascii)
        {
            for (int i = 0; i < ascii.Length; i++)
            {
                Byte(ascii[i]);
            }
        }

        public void Integer(long value)
        {
            if (value < 0)
            {
                Byte('-');
                value = -value;
            }
            int n = 0;
            do
            {
                _digits[n++] = (byte)('0' + (int)(value % 10));
                value /= 10;
            }
            while (value > 0);
            while (n > 0)
            {
                Byte((char)_digits[--n]);
            }
        }

        /// <summary>scaled / 10^decimals, shortest form: no trailing zeros, no "-0".</summary>
        public void Fixed(long scaled, int decimals)
        {
            long pow = 1;
            for (int i = 0; i < decimals; i++)
            {
                pow *= 10;
            }
            if (scaled < 0)
            {
                Byte('-');
                scaled = -scaled;
            }
            Integer(scaled / pow);
            long frac = scaled % pow;
            if (frac == 0)
            {
                return;
            }
            int digits = decimals;
            while (frac % 10 == 0)
            {
                frac /= 10;
                digits--;
            }
            Byte('.');
            long lead = 1;
            for (int i = 1; i < digits; i++)
            {
                lead *= 10;
            }
            while (lead > frac)
            {
                Byte('0');
                lead /= 10;
            }
            Integer(frac);
        }

        /// <summary>A double rounded half away from zero to the given decimals; NaN becomes null.</summary>
        public void Number(double value, int decimals)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                Null();
                return;
            }
            Fixed(Scale(value, decimals), decimals);
        }

        public void Null()
        {
            Raw("null");
        }

        public void Bool(bool value)
        {
            Raw(value ? "true" : "false");
        }

        /// <summary>A JSON string; quote, backslash, control and non-ASCII chars are escaped.</summary>
        public void String(string s)
        {
            Byte('"');
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '"' || c == '\\')
                {
                    Byte('\\');
                    Byte(c);
                }
                else if (c < ' ' || c > '~')
                {
                    Raw("\\u");
                    int v = c;
                    for (int shift = 12; shift >= 0; shift -= 4)
                    {
                        int h = (v >> shift) & 0xF;
                        Byte((char)(h < 10 ? '0' + h : 'a' + h - 10));
                    }
                }
                else
                {
                    Byte(c);
                }
            }
            Byte('"');
        }

        /// <summary>Rounds value * 10^decimals half away from zero.</summary>
        public static long Scale(double value, int decimals)
        {
            double pow = 1;
            for (int i = 0; i < decimals; i++)
            {
                pow *= 10;
            }
            double x = value * pow;
            return x >= 0 ? (long)Math.Floor(x + 0.5) : -(long)Math.Floor(-x + 0.5);
        }
    }
}
