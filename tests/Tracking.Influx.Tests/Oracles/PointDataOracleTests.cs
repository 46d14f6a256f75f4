using System.Globalization;
using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using InfluxDB.Client.Writes;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;
using ClientPrecision = InfluxDB.Client.Api.Domain.WritePrecision;
using WritePrecision = Tracking.Influx.LineProtocol.WritePrecision;

namespace Tracking.Influx.Tests.Oracles;

/// <summary>
/// Issue 10 section 5.1: InfluxDB.Client 5.1.0's <see cref="PointData"/> as an oracle for our encoder. For every
/// generated point, either ours refuses it for one of the documented reasons (README, "What the encoder refuses"),
/// or both produce the same bytes once tags and fields are in PointData's order, and the same point in any order.
/// </summary>
/// <remarks>
/// Difference classes, each asserted below:
/// <list type="bullet">
/// <item>Order: PointData keeps tags and fields in sorted dictionaries (ordinal here: the repository runs with
/// InvariantGlobalization), ours writes them in the caller's order. InfluxDB sorts tags itself and field order does
/// not matter, so the lines parse to the same point; with sorted input the bytes are identical.</item>
/// <item>Floats: both write the shortest round-trip form (<c>1E+20</c>, <c>1E-07</c>, <c>-0</c>, <c>5E-324</c>), so no
/// difference remained.</item>
/// <item>Refusals: what PointData writes although no InfluxDB version stores it as given (backslashes in
/// identifiers, controls, unpaired surrogates, empty or duplicate or reserved keys, '#' measurements, NaN, times
/// outside the range) ours refuses; <see cref="PointData_accepts_what_ours_refuses"/> shows what PointData makes
/// of each.</item>
/// <item>DateTimeOffset timestamps: PointData converts through <c>double</c> and truncates toward zero, ours floors in
/// integers; see <see cref="DateTimeOffset_timestamps_floor_exactly_where_PointData_rounds_through_double"/>.</item>
/// </list>
/// </remarks>
public class PointDataOracleTests
{
    private const int Tests = 2_000;

    private static readonly string[] ReservedKeys = ["time", "_measurement", "_field"];

    [Fact]
    public void Accepted_points_encode_like_PointData_and_refused_points_are_exactly_the_documented_ones()
    {
        var refusals = new Dictionary<string, int>();
        int accepted = 0;
        Prop.ForAll(OracleGen.Point.ToArbitrary(), sample =>
        {
            (OraclePoint point, WritePrecision precision) = sample;
            string? why = WhyOursRefuses(point, precision);
            string? ours = null;
            LineProtocolException? error = null;
            try
            {
                ours = Encode(point, precision, sorted: false);
            }
            catch (LineProtocolException ex)
            {
                error = ex;
            }

            Assert.True(why is null == error is null, $"{point} ({precision}): expected {why ?? "acceptance"}, got {error?.Message ?? "acceptance"}");
            if (why is not null)
            {
                refusals[why] = refusals.GetValueOrDefault(why) + 1;
                return;
            }

            accepted++;
            string oracle = ToPointData(point, precision).ToLineProtocol();

            // Same bytes when ours gets tags and fields in PointData's order...
            Assert.Equal(oracle + "\n", Encode(point, precision, sorted: true));

            // ...the same point in the caller's order, and that point is the one that was given.
            MinimalLineParser.ParsedPoint parsed = MinimalLineParser.Parse(ours!);
            AssertSamePoint(MinimalLineParser.Parse(oracle), parsed);
            AssertSamePoint(new MinimalLineParser.ParsedPoint(point.Measurement, point.Tags, point.Fields, point.Timestamp), parsed);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Tests));

        // Without both outcomes, and every refusal class, the property says little.
        Assert.True(accepted > Tests / 4, $"only {accepted} of {Tests} points accepted");
        string[] classes =
        [
            "empty identifier or tag value", "backslash in an identifier", "C0 control or DEL", "unpaired surrogate",
            "measurement starting with '#'", "reserved key", "duplicate key", "NaN or infinity", "timestamp outside InfluxDB's range",
        ];
        foreach (string c in classes)
        {
            Assert.True(refusals.GetValueOrDefault(c) > 0, $"the generator produced no point refused for: {c}");
        }
    }

    /// <summary>
    /// What PointData writes for each value ours refuses, read back with influxd 1.x's rules where it reads back at
    /// all: every one is silently lost, altered or refused by the server, which is why ours refuses it up front.
    /// </summary>
    [Fact]
    public void PointData_accepts_what_ours_refuses()
    {
        // A trailing backslash escapes the delimiter after it: the tag becomes part of the measurement's name.
        Assert.Equal(@"m\,t=v f=1i", PointData.Measurement(@"m\").Tag("t", "v").Field("f", 1L).ToLineProtocol());
        Assert.Equal(("m,t=v", 0), Shape(MinimalLineParser.Parse(@"m\,t=v f=1i")));
        AssertRefused(LineElement.Measurement, b => b.BeginLine(@"m\").Tag("t", "v").IntegerField("f", 1).End(1));

        // A tag value's trailing backslash swallows the space before the fields (influxd: "missing fields").
        Assert.Equal(@"m,t=v\ f=1i", PointData.Measurement("m").Tag("t", @"v\").Field("f", 1L).ToLineProtocol());
        Assert.Throws<FormatException>(() => MinimalLineParser.Parse(@"m,t=v\ f=1i"));
        AssertRefused(LineElement.TagValue, b => b.BeginLine("m").Tag("t", @"v\").IntegerField("f", 1).End(1));

        // Newline, CR and tab in identifiers become two-character escapes no InfluxDB version unescapes: stored as
        // a backslash and a letter.
        Assert.Equal(@"m,t=a\nb f=1i", PointData.Measurement("m").Tag("t", "a\nb").Field("f", 1L).ToLineProtocol());
        AssertRefused(LineElement.TagValue, b => b.BeginLine("m").Tag("t", "a\nb").IntegerField("f", 1).End(1));

        // In string fields a newline is written raw: the point ends there and the rest is a second, broken line.
        Assert.Equal("m s=\"a\nb\"", PointData.Measurement("m").Field("s", "a\nb").ToLineProtocol());
        AssertRefused(LineElement.StringFieldValue, b => b.BeginLine("m").StringField("s", "a\nb").End(1));

        // Empty tag values and empty tag keys are dropped without a word (the point loses the tag).
        Assert.Equal("m f=1i", PointData.Measurement("m").Tag("t", "").Tag("", "v").Field("f", 1L).ToLineProtocol());
        AssertRefused(LineElement.TagValue, b => b.BeginLine("m").Tag("t", "").IntegerField("f", 1).End(1));

        // NaN and infinities are dropped; a point with no other field becomes an empty string (nothing is written).
        Assert.Equal("m g=1i", PointData.Measurement("m").Field("f", double.NaN).Field("g", 1L).ToLineProtocol());
        Assert.Equal("", PointData.Measurement("m").Field("f", double.PositiveInfinity).ToLineProtocol());
        AssertRefused(LineElement.FloatFieldValue, b => b.BeginLine("m").FloatField("f", double.NaN).End(1));

        // A duplicate key replaces the earlier value (ours: the caller has two values for one key, a bug to report).
        Assert.Equal("m f=2i", PointData.Measurement("m").Field("f", 1L).Field("f", 2L).ToLineProtocol());
        AssertRefused(LineElement.FieldKey, b => b.BeginLine("m").IntegerField("f", 1).IntegerField("f", 2).End(1));

        // '#' starts a comment: influxd answers 204 and stores nothing. "time" as a key is refused or dropped by the
        // server (1.x: "invalid field name"), _measurement and _field clash with 2.x's own columns.
        Assert.Equal("#m time=1i", PointData.Measurement("#m").Field("time", 1L).ToLineProtocol());
        AssertRefused(LineElement.Measurement, b => b.BeginLine("#m").IntegerField("f", 1).End(1));
        AssertRefused(LineElement.FieldKey, b => b.BeginLine("m").IntegerField("time", 1).End(1));

        // An unpaired surrogate is kept in the string; UTF-8 encoding then replaces it with U+FFFD.
        string lone = PointData.Measurement("m").Field("s", "a\ud83d").ToLineProtocol();
        Assert.Equal("m s=\"a\ufffd\"", Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(lone)));
        AssertRefused(LineElement.StringFieldValue, b => b.BeginLine("m").StringField("s", "a\ud83d").End(1));

        // Any long is written as the timestamp; influxd refuses what is outside its range ("time outside range").
        Assert.Equal($"m f=1i {long.MaxValue}", PointData.Measurement("m").Field("f", 1L).Timestamp(long.MaxValue, ClientPrecision.Ns).ToLineProtocol());
        AssertRefused(LineElement.Timestamp, b => b.BeginLine("m").IntegerField("f", 1).End(long.MaxValue), WritePrecision.Nanoseconds);

        // Empty measurement and field names: both refuse (PointData with ArgumentException).
        Assert.Throws<ArgumentException>(() => PointData.Measurement(""));
        Assert.Throws<ArgumentException>(() => PointData.Measurement("m").Field("", 1L));
    }

    /// <summary>
    /// PointData's two field types ours lacks. Unsigned (<c>5u</c>): influxd 1.x refuses it unless built with
    /// unsigned support, and no tag reading needs it. Single precision: PointData prints the float's own shortest
    /// form, so InfluxDB stores the double 0.1, not the float's value; ours takes doubles, the caller widens.
    /// </summary>
    [Fact]
    public void PointData_field_types_without_a_counterpart()
    {
        Assert.Equal("m u=5u", PointData.Measurement("m").Field("u", 5UL).ToLineProtocol());
        Assert.Equal("m f=0.1", PointData.Measurement("m").Field("f", 0.1f).ToLineProtocol());
        Assert.Equal("m f=0.10000000149011612 1\n", LineText.Encode(b => b.BeginLine("m").FloatField("f", 0.1f).End(1)));
    }

    /// <summary>
    /// PointData converts a DateTimeOffset through <c>TimeSpan.TotalMilliseconds</c> and <c>Ticks * 0.1</c> (doubles) and
    /// truncates toward zero; ours floors in integer arithmetic. Equal for whole units; otherwise PointData can be one
    /// unit off either way, and several units past 2^52 units (about year 2112 in microseconds) (the double's rounding; before 1970 also the truncation toward zero), so two
    /// readings inside the same unit can get different timestamps and no longer overwrite each other on a replay.
    /// </summary>
    [Fact]
    public void DateTimeOffset_timestamps_floor_exactly_where_PointData_rounds_through_double()
    {
        long minTicks = (long.MinValue + 2) / 100 + 1;
        long maxTicks = (long.MaxValue - 1) / 100 - 1;
        var differences = new Dictionary<WritePrecision, int>();
        Gen<long> unixTicks = Gen.Frequency(
            (3, Gen.Choose(0, 0xFFFF).SelectMany(a => Gen.Choose(0, 0xFFFF).SelectMany(b => Gen.Choose(0, 0xFFFF).SelectMany(c =>
                Gen.Choose(0, 0xFFFF).Select(d => (long)(((ulong)a << 48) | ((ulong)b << 32) | ((ulong)c << 16) | (ulong)d)))))
                .Select(bits => minTicks + (long)((ulong)(bits - long.MinValue) % (ulong)(maxTicks - minTicks + 1)))),
            (1, Gen.Choose(-100_000, 100_000).Select(s => s * TimeSpan.TicksPerSecond + 9_999_999 * (s & 1))));
        Gen<(long Ticks, WritePrecision Precision)> samples =
            from ticks in unixTicks
            from precision in Gen.Elements(WritePrecision.Nanoseconds, WritePrecision.Microseconds, WritePrecision.Milliseconds, WritePrecision.Seconds)
            select (ticks, precision);
        Prop.ForAll(samples.ToArbitrary(), sample =>
        {
            (long ticks, WritePrecision precision) = sample;
            var time = new DateTimeOffset(DateTimeOffset.UnixEpoch.Ticks + ticks, TimeSpan.Zero);
            long unitTicks = precision.NanosecondsPerUnit() / 100;
            // Floor division in ticks; nanoseconds are finer than a tick (100 ns), so they are exact multiples.
            long exact = precision == WritePrecision.Nanoseconds
                ? ticks * 100
                : (long)BigInteger.Divide(ticks - ((ticks % unitTicks) + unitTicks) % unitTicks, unitTicks);

            long ours = TimestampOf(LineText.Encode(b => b.BeginLine("m").IntegerField("f", 1).End(time), precision));
            long theirs = TimestampOf(PointData.Measurement("m").Field("f", 1L).Timestamp(time, ToClient(precision)).ToLineProtocol());
            Assert.Equal(exact, ours);
            // A double holds 53 bits: past 2^52 units its rounding error alone is a unit or more, whole units included.
            long slack = Math.Abs(ours) / (1L << 51);
            bool wholeUnit = precision == WritePrecision.Nanoseconds || ticks % unitTicks == 0;
            if (wholeUnit && slack == 0)
            {
                Assert.Equal(ours, theirs);
            }
            else
            {
                Assert.InRange(theirs - ours, -1 - slack, 1 + slack);
            }

            if (theirs != ours)
            {
                differences[precision] = differences.GetValueOrDefault(precision) + 1;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(Tests));

        // 2024-06-11T10:00:00.1239999Z: 123.9999 ms is 124 ms to PointData (TotalMilliseconds rounds to 124.0 first).
        var sample = new DateTimeOffset(2024, 6, 11, 10, 0, 0, TimeSpan.Zero).AddTicks(1_239_999);
        Assert.Equal("m f=1i 1718100000124", PointData.Measurement("m").Field("f", 1L).Timestamp(sample, ClientPrecision.Ms).ToLineProtocol());
        Assert.Equal("m f=1i 1718100000123\n", LineText.Encode(b => b.BeginLine("m").IntegerField("f", 1).End(sample)));
    }

    /// <summary>Why ours must refuse <paramref name="point"/>, from the README's list, or null when it must accept it.</summary>
    private static string? WhyOursRefuses(OraclePoint point, WritePrecision precision)
    {
        string[] tagKeys = [.. point.Tags.Select(t => t.Key)];
        string[] fieldKeys = [.. point.Fields.Select(f => f.Key)];
        string[] identifiers = [point.Measurement, .. tagKeys, .. point.Tags.Select(t => t.Value), .. fieldKeys];
        string[] strings = [.. identifiers, .. point.Fields.Select(f => f.Value).OfType<string>()];
        long unit = precision.NanosecondsPerUnit();
        return true switch
        {
            _ when identifiers.Any(s => s.Length == 0) => "empty identifier or tag value",
            _ when identifiers.Any(s => s.Contains('\\')) => "backslash in an identifier",
            _ when strings.Any(HostileStrings.HasC0OrDel) => "C0 control or DEL",
            _ when strings.Any(HostileStrings.HasLoneSurrogate) => "unpaired surrogate",
            _ when point.Measurement.StartsWith('#') => "measurement starting with '#'",
            _ when tagKeys.Concat(fieldKeys).Any(k => ReservedKeys.Contains(k)) => "reserved key",
            _ when tagKeys.Distinct().Count() < tagKeys.Length || fieldKeys.Distinct().Count() < fieldKeys.Length => "duplicate key",
            _ when point.Fields.Any(f => f.Value is double d && !double.IsFinite(d)) => "NaN or infinity",
            _ when point.Timestamp is long ts && (ts < (long.MinValue + 2) / unit || ts > (long.MaxValue - 1) / unit) => "timestamp outside InfluxDB's range",
            _ => null,
        };
    }

    private static string Encode(OraclePoint point, WritePrecision precision, bool sorted)
    {
        using var buffer = new LineProtocolBuffer(precision);
        LineBuilder line = buffer.BeginLine(point.Measurement);
        foreach ((string key, string value) in sorted ? point.Tags.OrderBy(t => t.Key, StringComparer.Ordinal) : point.Tags.AsEnumerable())
        {
            line = line.Tag(key, value);
        }

        foreach ((string key, object value) in sorted ? point.Fields.OrderBy(f => f.Key, StringComparer.Ordinal) : point.Fields.AsEnumerable())
        {
            line = value switch
            {
                double d => line.FloatField(key, d),
                long l => line.IntegerField(key, l),
                bool b => line.BooleanField(key, b),
                string s => line.StringField(key, s),
                _ => throw new ArgumentOutOfRangeException(nameof(point)),
            };
        }

        if (point.Timestamp is long ts)
        {
            line.End(ts);
        }
        else
        {
            line.EndWithServerTime();
        }

        return LineText.Of(buffer);
    }

    private static PointData ToPointData(OraclePoint point, WritePrecision precision)
    {
        PointData data = PointData.Measurement(point.Measurement);
        foreach ((string key, string value) in point.Tags)
        {
            data = data.Tag(key, value);
        }

        foreach ((string key, object value) in point.Fields)
        {
            data = value switch
            {
                double d => data.Field(key, d),
                long l => data.Field(key, l),
                bool b => data.Field(key, b),
                string s => data.Field(key, s),
                _ => throw new ArgumentOutOfRangeException(nameof(point)),
            };
        }

        return point.Timestamp is long ts ? data.Timestamp(ts, ToClient(precision)) : data;
    }

    private static ClientPrecision ToClient(WritePrecision precision) => precision switch
    {
        WritePrecision.Nanoseconds => ClientPrecision.Ns,
        WritePrecision.Microseconds => ClientPrecision.Us,
        WritePrecision.Milliseconds => ClientPrecision.Ms,
        _ => ClientPrecision.S,
    };

    private static void AssertSamePoint(MinimalLineParser.ParsedPoint expected, MinimalLineParser.ParsedPoint actual)
    {
        Assert.Equal(expected.Measurement, actual.Measurement);
        Assert.Equal(expected.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), actual.Tags.OrderBy(t => t.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, Typed(f.Value))),
            actual.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => (f.Key, Typed(f.Value))));
        Assert.Equal(expected.Timestamp, actual.Timestamp);
    }

    // Doubles by their bits, so -0 and 0 (equal as numbers) count as different values.
    private static string Typed(object value) => value switch
    {
        double d => "double " + BitConverter.DoubleToInt64Bits(d).ToString(CultureInfo.InvariantCulture),
        _ => value.GetType().Name + " " + Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static (string Measurement, int TagCount) Shape(MinimalLineParser.ParsedPoint point) => (point.Measurement, point.Tags.Count);

    private static long TimestampOf(string line) =>
        long.Parse(line.TrimEnd('\n').AsSpan(line.TrimEnd('\n').LastIndexOf(' ') + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static void AssertRefused(LineElement element, Action<LineProtocolBuffer> build, WritePrecision precision = WritePrecision.Milliseconds)
    {
        var ex = Assert.Throws<LineProtocolException>(() => LineText.Encode(build, precision));
        Assert.Equal(element, ex.Element);
    }
}
