namespace ContainerTag.Core.Protocol
{
    /// <summary>Token kinds of <see cref="JsonTokenizer"/>.</summary>
    public enum JsonToken
    {
        None = 0,
        BeginObject,
        EndObject,
        BeginArray,
        EndArray,
        Colon,
        Comma,
        String,
        Number,
        True,
        False,
        Null,
        End,
        Error
    }

    /// <summary>
    /// A small pull tokenizer for RFC 8259 JSON in UTF-8, enough for the config message: strings are
    /// decoded (escapes, \u included), numbers are parsed to double without double.Parse. Anything
    /// malformed, including invalid UTF-8, yields <see cref="JsonToken.Error"/> with a reason.
    /// </summary>
    public class JsonTokenizer
    {
        private readonly byte[] _data;
        private readonly int _length;
        private int _pos;
        private readonly char[] _chars;

        public JsonTokenizer(byte[] data, int length)
        {
            _data = data;
            _length = length;
            _chars = new char[length < 256 ? length + 1 : 256];
        }

        /// <summary>Decoded text of the last String token.</summary>
        public string StringValue { get; private set; }

        /// <summary>Value of the last Number token.</summary>
        public double NumberValue { get; private set; }

        /// <summary>True if the last Number had neither fraction nor exponent.</summary>
        public bool NumberIsIntegerLiteral { get; private set; }

        /// <summary>Why the last Error token was returned.</summary>
        public string Error { get; private set; }

        public int Position { get { return _pos; } }

        public JsonToken Next()
        {
            while (_pos < _length)
            {
                byte b = _data[_pos];
                if (b == ' ' || b == '\t' || b == '\n' || b == '\r')
                {
                    _pos++;
                }
                else
                {
                    break;
                }
            }
            if (_pos >= _length)
            {
                return JsonToken.End;
            }
            byte c = _data[_pos];
            switch (c)
            {
                case (byte)'{': _pos++; return JsonToken.BeginObject;
                case (byte)'}': _pos++; return JsonToken.EndObject;
                case (byte)'[': _pos++; return JsonToken.BeginArray;
                case (byte)']': _pos++; return JsonToken.EndArray;
                case (byte)':': _pos++; return JsonToken.Colon;
                case (byte)',': _pos++; return JsonToken.Comma;
                case (byte)'"': return ReadString();
                case (byte)'t': return Literal("true", JsonToken.True);
                case (byte)'f': return Literal("false", JsonToken.False);
                case (byte)'n': return Literal("null", JsonToken.Null);
            }
            if (c == '-' || (c >= '0' && c <= '9'))
            {
                return ReadNumber();
            }
            return Fail("unexpected character at byte " + _pos.ToString());
        }

        private JsonToken Fail(string reason)
        {
            Error = reason;
            _pos = _length;
            return JsonToken.Error;
        }

        private JsonToken Literal(string word, JsonToken token)
        {
            if (_pos + word.Length > _length)
            {
                return Fail("truncated literal");
            }
            for (int i = 0; i < word.Length; i++)
            {
                if (_data[_pos + i] != word[i])
                {
                    return Fail("unexpected character at byte " + _pos.ToString());
                }
            }
            _pos += word.Length;
            return token;
        }

        private JsonToken ReadString()
        {
            _pos++;
            int n = 0;
            while (true)
            {
                if (_pos >= _length)
                {
                    return Fail("unterminated string");
                }
                int b = _data[_pos++];
                int ch;
                if (b == '"')
                {
                    break;
                }
                if (b == '\\')
                {
                    if (_pos >= _length)
                    {
                        return Fail("unterminated string");
                    }
                    int e = _data[_pos++];
                    switch (e)
                    {
                        case '"': ch = '"'; break;
                        case '\\': ch = '\\'; break;
                        case '/': ch = '/'; break;
                        case 'b': ch = 8; break;
                        case 'f': ch = 12; break;
                        case 'n': ch = 10; break;
                        case 'r': ch = 13; break;
                        case 't': ch = 9; break;
                        case 'u':
                            ch = 0;
                            for (int i = 0; i < 4; i++)
                            {
                                int h = _pos < _length ? HexValue(_data[_pos++]) : -1;
                                if (h < 0)
                                {
                                    return Fail("bad \\u escape");
                                }
                                ch = (ch << 4) | h;
                            }
                            break;
                        default:
                            return Fail("bad escape");
                    }
                }
                else if (b < 0x20)
                {
                    return Fail("control character in string");
                }
                else if (b < 0x80)
                {
                    ch = b;
                }
                else
                {
                    ch = DecodeUtf8(b);
                    if (ch < 0)
                    {
                        return Fail("invalid UTF-8");
                    }
                }
                if (n < _chars.Length)
                {
                    _chars[n++] = ch > 0xFFFF ? '?' : (char)ch;
                }
            }
            StringValue = new string(_chars, 0, n);
            return JsonToken.String;
        }

        /// <summary>Decodes the rest of a multi-byte UTF-8 sequence; -1 when malformed.</summary>
        private int DecodeUtf8(int lead)
        {
            int more;
            int cp;
            int min;
            if ((lead & 0xE0) == 0xC0) { more = 1; cp = lead & 0x1F; min = 0x80; }
            else if ((lead & 0xF0) == 0xE0) { more = 2; cp = lead & 0x0F; min = 0x800; }
            else if ((lead & 0xF8) == 0xF0) { more = 3; cp = lead & 0x07; min = 0x10000; }
            else { return -1; }
            for (int i = 0; i < more; i++)
            {
                if (_pos >= _length || (_data[_pos] & 0xC0) != 0x80)
                {
                    return -1;
                }
                cp = (cp << 6) | (_data[_pos++] & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            {
                return -1;
            }
            return cp;
        }

        private static int HexValue(int b)
        {
            if (b >= '0' && b <= '9') { return b - '0'; }
            if (b >= 'a' && b <= 'f') { return b - 'a' + 10; }
            if (b >= 'A' && b <= 'F') { return b - 'A' + 10; }
            return -1;
        }

        /// <summary>
        /// RFC 8259 number grammar. Up to 18 significant digits are kept exactly in a long and scaled
        /// by an exact power of ten, so values such as 4.21 come out as the nearest double.
        /// </summary>
        private JsonToken ReadNumber()
        {
            bool negative = false;
            if (_data[_pos] == '-')
            {
                negative = true;
                _pos++;
            }
            if (_pos >= _length || _data[_pos] < '0' || _data[_pos] > '9')
            {
                return Fail("bad number");
            }
            long mantissa = 0;
            int digits = 0;
            int scale = 0;
            if (_data[_pos] == '0')
            {
                _pos++;
                if (_pos < _length && _data[_pos] >= '0' && _data[_pos] <= '9')
                {
                    return Fail("leading zero in number");
                }
            }
            else
            {
                while (_pos < _length && _data[_pos] >= '0' && _data[_pos] <= '9')
                {
                    Accumulate(ref mantissa, ref digits, ref scale, _data[_pos] - '0', false);
                    _pos++;
                }
            }
            bool integer = true;
            if (_pos < _length && _data[_pos] == '.')
            {
                integer = false;
                _pos++;
                if (_pos >= _length || _data[_pos] < '0' || _data[_pos] > '9')
                {
                    return Fail("bad number");
                }
                while (_pos < _length && _data[_pos] >= '0' && _data[_pos] <= '9')
                {
                    Accumulate(ref mantissa, ref digits, ref scale, _data[_pos] - '0', true);
                    _pos++;
                }
            }
            if (_pos < _length && (_data[_pos] == 'e' || _data[_pos] == 'E'))
            {
                integer = false;
                _pos++;
                bool expNegative = false;
                if (_pos < _length && (_data[_pos] == '+' || _data[_pos] == '-'))
                {
                    expNegative = _data[_pos] == '-';
                    _pos++;
                }
                if (_pos >= _length || _data[_pos] < '0' || _data[_pos] > '9')
                {
                    return Fail("bad number");
                }
                int exp = 0;
                while (_pos < _length && _data[_pos] >= '0' && _data[_pos] <= '9')
                {
                    if (exp < 10000)
                    {
                        exp = exp * 10 + (_data[_pos] - '0');
                    }
                    _pos++;
                }
                scale += expNegative ? -exp : exp;
            }
            double value = mantissa;
            if (mantissa != 0)
            {
                if (scale > 308 + 18)
                {
                    value = double.PositiveInfinity;
                }
                else if (scale < -324 - 18)
                {
                    value = 0;
                }
                else
                {
                    value = ApplyScale(value, scale);
                }
            }
            NumberValue = negative ? -value : value;
            NumberIsIntegerLiteral = integer;
            return JsonToken.Number;
        }

        private static void Accumulate(ref long mantissa, ref int digits, ref int scale, int digit, bool fraction)
        {
            if (digits < 18)
            {
                if (mantissa != 0 || digit != 0)
                {
                    digits++;
                }
                mantissa = mantissa * 10 + digit;
                if (fraction)
                {
                    scale--;
                }
            }
            else if (!fraction)
            {
                scale++;
            }
        }

        private static double ApplyScale(double value, int scale)
        {
            // exact powers of ten up to 1e22; beyond that repeated steps (rounding is then irrelevant
            // for this contract's ranges)
            while (scale > 22)
            {
                value *= 1e22;
                scale -= 22;
            }
            while (scale < -22)
            {
                value /= 1e22;
                scale += 22;
            }
            double pow = 1;
            int s = scale < 0 ? -scale : scale;
            for (int i = 0; i < s; i++)
            {
                pow *= 10;
            }
            return scale < 0 ? value / pow : value * pow;
        }
    }
}
