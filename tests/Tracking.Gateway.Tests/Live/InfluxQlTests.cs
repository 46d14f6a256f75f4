using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Influx.Query;

namespace Tracking.Gateway.Tests.Live;

/// <summary>
/// InfluxQL string literals of untrusted ids: whatever the string, the literal InfluxDB's scanner reads back is that
/// string and ends where the literal ends (nothing after it can become InfluxQL). The scanner's rules are mirrored in
/// <see cref="Scan"/>; InfluxReadingHistoryTests checks the real parser with ids holding quotes and backslashes.
/// </summary>
public sealed class InfluxQlTests
{
    /// <summary>influxql's ScanString: \\, \', \" and \n escapes; a raw newline or any other escape is an error (null).</summary>
    private static (string Value, int End)? Scan(string text)
    {
        if (text.Length == 0 || text[0] != '\'') return null;
        var value = new StringBuilder();
        for (int i = 1; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\'') return (value.ToString(), i + 1);
            if (c == '\n') return null;
            if (c != '\\') { value.Append(c); continue; }
            if (++i == text.Length) return null;
            switch (text[i])
            {
                case '\\': value.Append('\\'); break;
                case '\'': value.Append('\''); break;
                case '"': value.Append('"'); break;
                case 'n': value.Append('\n'); break;
                default: return null;
            }
        }
        return null;
    }

    private static readonly Gen<string> Hostile = Gen.Elements('\'', '\\', '"', '\n', 'a', ' ', ';', '=', 'é', '\r', '\t')
        .ArrayOf().Select(chars => new string(chars));

    [Fact]
    public void Any_string_scans_back_to_itself_and_the_literal_ends_at_its_last_character() =>
        Prop.ForAll(Gen.OneOf(Hostile, ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get)).ToArbitrary(), s =>
        {
            string literal = InfluxQl.String(s);
            return Scan(literal + " OR 1=1") is { } scanned && scanned.Value == s && scanned.End == literal.Length;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Times_are_RFC3339_UTC_with_milliseconds() =>
        Assert.Equal("'2025-12-01T00:00:00.123Z'", InfluxQl.Time(new DateTimeOffset(2025, 12, 1, 1, 0, 0, 123, TimeSpan.FromHours(1))));
}
