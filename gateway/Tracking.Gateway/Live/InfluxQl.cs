using System.Text;

namespace Tracking.Gateway.Live;

/// <summary>
/// InfluxQL literals for values that come from outside (URL ids). A string literal is single-quoted; InfluxDB 1.x's
/// scanner (influxql/scanner.go, ScanString) takes <c>\\</c>, <c>\'</c>, <c>\"</c> and <c>\n</c> as escapes and ends
/// the literal at an unescaped quote or a raw newline, so those are escaped and nothing else is needed.
/// </summary>
public static class InfluxQl
{
    public static string StringLiteral(string value)
    {
        var text = new StringBuilder(value.Length + 8).Append('\'');
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '\'' => text.Append(@"\'"),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
        return text.Append('\'').ToString();
    }

    /// <summary>An absolute time: epoch milliseconds with their unit (a duration literal, as InfluxQL compares time).</summary>
    public static string Time(DateTimeOffset t) => t.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms";
}
