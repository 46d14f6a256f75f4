using FsCheck;
using FsCheck.Fluent;
using Tracking.Influx.LineProtocol;

namespace Tracking.Influx.Tests.Oracles;

/// <summary>
/// FsCheck generators for <see cref="OraclePoint"/>: mostly values both encoders take (delimiters, quotes, '#',
/// reserved words, non-ASCII, emoji, NBSP, U+2028, NEL), and now and then one our encoder refuses (backslash in an
/// identifier, C0 controls, DEL, unpaired surrogates, empty strings, duplicate or reserved keys, NaN/Infinity,
/// timestamps outside InfluxDB's range), so that both outcomes are exercised in every run.
/// </summary>
public static class OracleGen
{
    // Characters both encoders can write intact; '#' and "time" only cause a refusal in one position.
    private static readonly string[] Encodable =
    [
        "a", "Z", "0", "_", "-", ".", " ", ",", "=", "\"", "'", "#", "é", "中", "🚢", "😀", "\u00a0", "\u2028", "\u0085",
        "time", "ß", "İ",
    ];

    // Characters our encoder refuses in identifiers (all but the backslash are refused in string values too).
    private static readonly string[] Refused = ["\\", "\n", "\r", "\t", "\u0000", "\u001f", "\u007f", "\ud83d", "\ude00"];

    private static readonly string[] KeyPool = ["k", "a", "time", "_field", "_measurement"];

    public static Gen<string> Text(int refusedWeight) =>
        Gen.Frequency(
            (100 - refusedWeight, Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Encodable), n)).Select(string.Concat)),
            (refusedWeight, Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Encodable.Concat(Refused).ToArray()), n)).Select(string.Concat)));

    /// <summary>Keys: now and then from a small pool, which yields duplicates and the reserved keys.</summary>
    public static Gen<string> Key => Gen.Frequency((9, Text(3)), (1, Gen.Elements(KeyPool)));

    public static Gen<double> Double =>
        Gen.Frequency(
            (4, Gen.Elements(0.0, -0.0, 0.1, 21.5, -40.25, 1e20, 1e-7, 1e16, 123456789012345680.0, 5e-324, double.MaxValue,
                double.MinValue, 1.0 / 3, Math.PI, 2.2250738585072014E-308)),
            (5, Bits.Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite)),
            (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity)));

    public static Gen<long> Long =>
        Gen.Frequency((1, Gen.Elements(0L, -1L, 1L, long.MinValue, long.MaxValue, int.MaxValue + 1L)), (3, Bits));

    public static Gen<object> FieldValue =>
        Gen.OneOf(
            Double.Select(d => (object)d),
            Long.Select(l => (object)l),
            Gen.Elements(true, false).Select(b => (object)b),
            Gen.Frequency((9, Text(5)), (1, Gen.Elements(""))).Select(s => (object)s));

    /// <summary>No timestamp, one inside the precision's range (edges included), or one just outside it.</summary>
    public static Gen<long?> Timestamp(WritePrecision precision)
    {
        long unit = precision.NanosecondsPerUnit();
        long min = (long.MinValue + 2) / unit; // influxd 1.x: "time outside range -9223372036854775806 - 9223372036854775806"
        long max = (long.MaxValue - 1) / unit;
        return Gen.Frequency(
            (1, Gen.Constant<long?>(null)),
            (6, Bits.Select(b => (long?)(min + (long)((ulong)(b - long.MinValue) % (ulong)(max - min + 1))))),
            (2, Gen.Elements<long?>(0, -1, 1_718_100_000_123, min, max)),
            (1, Gen.Elements<long?>(min - 1, max + 1, long.MinValue, long.MaxValue)));
    }

    public static Gen<(OraclePoint Point, WritePrecision Precision)> Point =>
        from precision in Gen.Elements(WritePrecision.Nanoseconds, WritePrecision.Microseconds, WritePrecision.Milliseconds, WritePrecision.Seconds)
        from measurement in Text(3)
        from tagCount in Gen.Choose(0, 4)
        from tags in Gen.ArrayOf(Key.SelectMany(k => Text(3).Select(v => KeyValuePair.Create(k, v))), tagCount)
        from fieldCount in Gen.Choose(1, 4)
        from fields in Gen.ArrayOf(Key.SelectMany(k => FieldValue.Select(v => KeyValuePair.Create(k, v))), fieldCount)
        from timestamp in Timestamp(precision)
        select (new OraclePoint(measurement, tags, fields, timestamp), precision);

    // Every 64-bit pattern, uniformly: FsCheck's own long generator stays near zero at small sizes.
    private static Gen<long> Bits =>
        from a in Gen.Choose(0, 0xFFFF)
        from b in Gen.Choose(0, 0xFFFF)
        from c in Gen.Choose(0, 0xFFFF)
        from d in Gen.Choose(0, 0xFFFF)
        select (long)(((ulong)a << 48) | ((ulong)b << 32) | ((ulong)c << 16) | (ulong)d);
}
