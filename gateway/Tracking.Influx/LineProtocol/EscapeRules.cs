using System.Buffers;
using System.Text.Unicode;

namespace Tracking.Influx.LineProtocol;

/// <summary>
/// How one kind of line-protocol element is escaped and what it may not contain.
/// Line protocol reference, "Special characters": measurements escape comma and space; tag keys, tag values
/// and field keys escape comma, equals sign and space; string field values escape double quote and backslash.
/// </summary>
/// <remarks>
/// Rejected instead of escaped, because no escape exists that every InfluxDB version reads back intact:
/// <list type="bullet">
/// <item>newline, carriage return and every other C0 control character and DEL (line protocol has no escape
/// for them; a newline ends the point);</item>
/// <item>backslash in measurements, tag keys/values and field keys: influxd 1.x treats a delimiter as escaped
/// whenever the byte before it is a backslash, so a trailing backslash swallows the delimiter, and 1.x keeps
/// <c>\\</c> literally while the 2.x/3.x documentation reads it as one escaped backslash;</item>
/// <item>unpaired UTF-16 surrogates (not valid UTF-8);</item>
/// <item>a measurement starting with <c>#</c> (the whole line is a comment: influxd answers 204 and drops it);</item>
/// <item>empty identifiers and tag values, and the reserved keys <c>time</c>, <c>_measurement</c>, <c>_field</c>.</item>
/// </list>
/// </remarks>
internal sealed class EscapeRules
{
    private const string Controls =
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F";

    private static readonly string[] ReservedKeys = ["time", "_measurement", "_field"];

    // IndexOfAnyInRange allocated on every call here (it broke the zero-allocation line test); a SearchValues set is
    // just as vectorised and allocates nothing.
    private static readonly SearchValues<char> Surrogates = SearchValues.Create(
        string.Create(0xE000 - 0xD800, 0, static (chars, _) =>
        {
            for (int i = 0; i < chars.Length; i++) chars[i] = (char)(0xD800 + i);
        }));

    public static readonly EscapeRules Measurement = new(LineElement.Measurement, ", ", identifier: true, reserved: []);
    public static readonly EscapeRules TagKey = new(LineElement.TagKey, ",= ", identifier: true, ReservedKeys);
    public static readonly EscapeRules TagValue = new(LineElement.TagValue, ",= ", identifier: true, reserved: []);
    public static readonly EscapeRules FieldKey = new(LineElement.FieldKey, ",= ", identifier: true, ReservedKeys);
    public static readonly EscapeRules StringFieldValue = new(LineElement.StringFieldValue, "\"\\", identifier: false, reserved: []);

    private readonly LineElement _element;
    private readonly string _escaped;
    private readonly SearchValues<char> _stops;
    private readonly bool _identifier;
    private readonly string[] _reserved;

    private EscapeRules(LineElement element, string escaped, bool identifier, string[] reserved)
    {
        _element = element;
        _escaped = escaped;
        _identifier = identifier;
        _reserved = reserved;
        _stops = SearchValues.Create(escaped + Controls + "\\");
    }

    /// <summary>Upper bound of the encoded size: 3 UTF-8 bytes per UTF-16 unit covers both escapes and non-ASCII.</summary>
    public static int MaxEncodedLength(int chars) => checked(chars * 3);

    /// <summary>Escapes <paramref name="value"/> as UTF-8 into <paramref name="destination"/>, which must hold
    /// <see cref="MaxEncodedLength"/> bytes. Throws <see cref="LineProtocolException"/> before returning on any
    /// value that is not representable (exactly those <see cref="FindProblem"/> names).</summary>
    public int Write(ReadOnlySpan<char> value, Span<byte> destination)
    {
        if (FindProblem(value) is string problem)
        {
            throw new LineProtocolException(_element, problem);
        }

        int written = 0;
        while (true)
        {
            int stop = value.IndexOfAny(_stops);
            ReadOnlySpan<char> plain = stop < 0 ? value : value[..stop];
            if (!plain.IsEmpty)
            {
                // Stops are ASCII, so a segment never splits a surrogate pair (FindProblem refused unpaired ones).
                Utf8.FromUtf16(plain, destination[written..], out _, out int bytes, replaceInvalidSequences: false);
                written += bytes;
            }

            if (stop < 0)
            {
                return written;
            }

            // Only escapable stops remain: FindProblem refused controls and (where refused) backslashes.
            destination[written++] = (byte)'\\';
            destination[written++] = (byte)value[stop];
            value = value[(stop + 1)..];
        }
    }

    /// <summary>Why <paramref name="value"/> cannot be written as this element, or null when it can. The one check
    /// behind <see cref="Write"/>; ingest calls it (through <see cref="LineProtocolValues"/>) to refuse what could not
    /// be stored before acknowledging it.</summary>
    public string? FindProblem(ReadOnlySpan<char> value)
    {
        if (_identifier && IdentifierProblem(value) is string problem)
        {
            return problem;
        }

        if (HasUnpairedSurrogate(value))
        {
            return "contains an unpaired UTF-16 surrogate (not valid Unicode)";
        }

        for (int i = value.IndexOfAny(_stops); i >= 0; i = value.IndexOfAny(_stops))
        {
            char c = value[i];
            if (c == '\\' && !_escaped.Contains(c))
            {
                return "contains a backslash; InfluxDB versions disagree on its meaning in identifiers and a trailing one swallows the delimiter";
            }

            if (!_escaped.Contains(c))
            {
                return $"contains control character U+{(int)c:X4}; line protocol cannot escape it (a newline would end the point)";
            }

            value = value[(i + 1)..];
        }

        return null;
    }

    private static bool HasUnpairedSurrogate(ReadOnlySpan<char> value)
    {
        // Every line the writer encodes passes here: one vectorised scan, and the pairing loop only for text that has
        // surrogates at all (characters outside the BMP), which tag values and field strings rarely do.
        int first = value.IndexOfAny(Surrogates);
        if (first < 0) return false;
        for (int i = first; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return true;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private string? IdentifierProblem(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return _element == LineElement.TagValue
                ? "is empty; InfluxDB has no empty tag values (omit the tag instead)"
                : "is empty";
        }

        if (_element == LineElement.Measurement && value[0] == '#')
        {
            return "starts with '#', which makes the whole line a comment that InfluxDB silently drops";
        }

        foreach (string reserved in _reserved)
        {
            if (value.SequenceEqual(reserved))
            {
                return $"'{reserved}' is a reserved key that InfluxDB refuses";
            }
        }

        return null;
    }
}
