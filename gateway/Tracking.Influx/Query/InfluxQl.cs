using System.Globalization;
using System.Text;

namespace Tracking.Influx.Query;

/// <summary>Literals of InfluxQL (InfluxDB 1.x query language, also served by 2.x and 3.x) built from untrusted values.</summary>
public static class InfluxQl
{
    /// <summary>
    /// A single-quoted string literal. InfluxQL's scanner knows the escapes \\, \', \" and \n, so a backslash and a quote
    /// are escaped and a line break written as \n: no value can end the literal early or make the query invalid.
    /// </summary>
    public static string String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2).Append('\'');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '\n': sb.Append(@"\n"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>A time literal, RFC 3339 UTC with milliseconds (the schema's precision).</summary>
    public static string Time(DateTimeOffset time) =>
        "'" + time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) + "'";
}
