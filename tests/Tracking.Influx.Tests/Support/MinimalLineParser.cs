using System.Globalization;
using System.Text;

namespace Tracking.Influx.Tests.Support;

/// <summary>
/// Independent reading of one line-protocol line with influxd 1.x semantics (observed on influxd 1.6.7):
/// a delimiter is escaped when the byte before it is a backslash; unescaping removes that backslash before
/// the element's escapable characters only; string field values unescape <c>\\</c> and <c>\"</c>.
/// Written separately from the encoder on purpose: tests compare the two.
/// </summary>
public static class MinimalLineParser
{
    public sealed record ParsedPoint(
        string Measurement,
        IReadOnlyList<KeyValuePair<string, string>> Tags,
        IReadOnlyList<KeyValuePair<string, object>> Fields,
        long? Timestamp);

    public static ParsedPoint Parse(string line)
    {
        if (line.EndsWith('\n'))
        {
            line = line[..^1];
        }

        if (line.Contains('\n') || line.Contains('\r'))
        {
            throw new FormatException("more than one line");
        }

        int pos = 0;
        string measurement = Unescape(ReadUntil(line, ref pos, ", ", null), ", ");
        var tags = new List<KeyValuePair<string, string>>();
        while (pos < line.Length && line[pos] == ',')
        {
            pos++;
            string key = Unescape(ReadUntil(line, ref pos, "=", null), ",= ");
            Expect(line, ref pos, '=');
            string value = Unescape(ReadUntil(line, ref pos, ", ", "="), ",= ");
            if (key.Length == 0 || value.Length == 0)
            {
                throw new FormatException("empty tag key or value");
            }

            tags.Add(new(key, value));
        }

        Expect(line, ref pos, ' ');
        var fields = new List<KeyValuePair<string, object>>();
        while (true)
        {
            string key = Unescape(ReadUntil(line, ref pos, "=", " ,"), ",= \"");
            Expect(line, ref pos, '=');
            object value = line[pos] == '"' ? ReadString(line, ref pos) : ReadScalar(ReadUntil(line, ref pos, ", ", null));
            fields.Add(new(key, value));
            if (pos < line.Length && line[pos] == ',')
            {
                pos++;
                continue;
            }

            break;
        }

        long? timestamp = null;
        if (pos < line.Length)
        {
            Expect(line, ref pos, ' ');
            timestamp = long.Parse(line[pos..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return new ParsedPoint(measurement, tags, fields, timestamp);
    }

    private static string ReadUntil(string line, ref int pos, string terminators, string? forbidden)
    {
        int start = pos;
        while (pos < line.Length)
        {
            char c = line[pos];
            bool escaped = pos > start && line[pos - 1] == '\\';
            if (!escaped && terminators.Contains(c))
            {
                break;
            }

            if (!escaped && forbidden is not null && forbidden.Contains(c))
            {
                throw new FormatException($"unescaped '{c}' at {pos}");
            }

            pos++;
        }

        return line[start..pos];
    }

    private static string Unescape(string s, string escapable)
    {
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && escapable.Contains(s[i + 1]))
            {
                continue;
            }

            sb.Append(s[i]);
        }

        return sb.ToString();
    }

    private static string ReadString(string line, ref int pos)
    {
        pos++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= line.Length)
            {
                throw new FormatException("unterminated string");
            }

            char c = line[pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\' && pos < line.Length && (line[pos] == '"' || line[pos] == '\\'))
            {
                c = line[pos++];
            }

            sb.Append(c);
        }
    }

    private static object ReadScalar(string token)
    {
        if (token.Length == 0)
        {
            throw new FormatException("empty field value");
        }

        if (token[^1] == 'i')
        {
            return long.Parse(token[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return token switch
        {
            "t" or "T" or "true" or "True" or "TRUE" => true,
            "f" or "F" or "false" or "False" or "FALSE" => false,
            _ => double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    private static void Expect(string line, ref int pos, char c)
    {
        if (pos >= line.Length || line[pos] != c)
        {
            throw new FormatException($"expected '{c}' at {pos} in {line}");
        }

        pos++;
    }
}
