namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// RFC 8259 syntax check of one JSON text, as <see cref="System.Text.Json.Utf8JsonReader"/> reads it by default (no
/// comments, no trailing commas, any depth): Utf8JsonReader reports a syntax error only by throwing, and a flood of
/// broken payloads must not cost an exception each (issue 9 item 4). The decoder runs this first, so its reader never
/// meets a syntax error. UTF-8 validity is checked before (the decoder's first step), so bytes inside strings are not
/// checked here beyond control characters and escapes. No allocation: the nesting is a bit stack on the stack.
/// </summary>
internal static class JsonSyntax
{
    /// <summary>Null when <paramref name="json"/> is one JSON value with only whitespace around it, else why not.</summary>
    public static string? Problem(ReadOnlySpan<byte> json)
    {
        // One bit per open container (1 = object); a payload of n bytes cannot nest deeper than n.
        Span<byte> stack = json.Length <= 8 * 1024 * 8 ? stackalloc byte[(json.Length >> 3) + 1] : new byte[(json.Length >> 3) + 1];
        int depth = 0;
        int i = SkipWhitespace(json, 0);
        while (true)
        {
            // A value is expected at i.
            if (i >= json.Length) return "unexpected end of payload";
            byte c = json[i];
            if (c == (byte)'{' || c == (byte)'[')
            {
                bool isObject = c == (byte)'{';
                if (isObject) stack[depth >> 3] |= (byte)(1 << (depth & 7));
                else stack[depth >> 3] &= (byte)~(1 << (depth & 7));
                depth++;
                i = SkipWhitespace(json, i + 1);
                if (i < json.Length && json[i] == (isObject ? (byte)'}' : (byte)']'))
                {
                    depth--;
                    i++;
                }
                else if (isObject)
                {
                    if (!Key(json, ref i, out string? problem)) return problem;
                    continue;
                }
                else
                {
                    continue;
                }
            }
            else if (c == (byte)'"')
            {
                if (!String(json, ref i)) return "invalid string";
            }
            else if (c == (byte)'-' || (c >= (byte)'0' && c <= (byte)'9'))
            {
                if (!Number(json, ref i)) return "invalid number";
            }
            else if (!Literal(json, ref i, "true"u8) && !Literal(json, ref i, "false"u8) && !Literal(json, ref i, "null"u8))
            {
                return $"unexpected character at byte {i}";
            }

            // After a value: a comma, the end of its container, or the end of the text.
            while (true)
            {
                i = SkipWhitespace(json, i);
                if (depth == 0) return i == json.Length ? null : $"data after the JSON value at byte {i}";
                if (i >= json.Length) return "unexpected end of payload";
                bool inObject = (stack[(depth - 1) >> 3] & (1 << ((depth - 1) & 7))) != 0;
                if (json[i] == (byte)',')
                {
                    i = SkipWhitespace(json, i + 1);
                    if (inObject && !Key(json, ref i, out string? problem)) return problem;
                    break;
                }

                if (json[i] != (inObject ? (byte)'}' : (byte)']')) return $"expected ',' or the end of the {(inObject ? "object" : "array")} at byte {i}";
                depth--;
                i++;
            }
        }
    }

    /// <summary>A member name and its colon; leaves i at the value.</summary>
    private static bool Key(ReadOnlySpan<byte> json, ref int i, out string? problem)
    {
        problem = null;
        if (i >= json.Length || json[i] != (byte)'"' || !String(json, ref i))
        {
            problem = $"expected a property name at byte {i}";
            return false;
        }

        i = SkipWhitespace(json, i);
        if (i >= json.Length || json[i] != (byte)':')
        {
            problem = $"expected ':' at byte {i}";
            return false;
        }

        i = SkipWhitespace(json, i + 1);
        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') i++;
        return i;
    }

    private static bool String(ReadOnlySpan<byte> json, ref int i)
    {
        for (i++; i < json.Length; i++)
        {
            byte c = json[i];
            if (c == (byte)'"')
            {
                i++;
                return true;
            }

            if (c < 0x20) return false;
            if (c != (byte)'\\') continue;
            if (++i >= json.Length) return false;
            switch (json[i])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    break;
                case (byte)'u':
                    if (i + 4 >= json.Length) return false;
                    for (int k = 1; k <= 4; k++)
                    {
                        if (!char.IsAsciiHexDigit((char)json[i + k])) return false;
                    }

                    i += 4;
                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool Number(ReadOnlySpan<byte> json, ref int i)
    {
        if (json[i] == (byte)'-') i++;
        if (i >= json.Length) return false;
        if (json[i] == (byte)'0') i++;
        else if (!Digits(json, ref i)) return false;
        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (!Digits(json, ref i)) return false;
        }

        if (i < json.Length && (json[i] == (byte)'e' || json[i] == (byte)'E'))
        {
            i++;
            if (i < json.Length && (json[i] == (byte)'+' || json[i] == (byte)'-')) i++;
            if (!Digits(json, ref i)) return false;
        }

        // A number ends at a delimiter: "01" or "1x" is one invalid token, not two.
        return i >= json.Length || json[i] is (byte)',' or (byte)']' or (byte)'}' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';
    }

    private static bool Digits(ReadOnlySpan<byte> json, ref int i)
    {
        int start = i;
        while (i < json.Length && json[i] >= (byte)'0' && json[i] <= (byte)'9') i++;
        return i > start;
    }

    private static bool Literal(ReadOnlySpan<byte> json, ref int i, ReadOnlySpan<byte> word)
    {
        if (!json[i..].StartsWith(word)) return false;
        int end = i + word.Length;
        // "truex" is not "true" followed by junk the caller would then report elsewhere: treat as one bad token.
        if (end < json.Length && json[end] is not ((byte)',' or (byte)']' or (byte)'}' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
        i = end;
        return true;
    }
}
