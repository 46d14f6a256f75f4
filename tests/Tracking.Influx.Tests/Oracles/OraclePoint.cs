namespace Tracking.Influx.Tests.Oracles;

/// <summary>
/// One point as the oracle tests generate it, before either encoder sees it. Field values are boxed
/// <see cref="double"/>, <see cref="long"/>, <see cref="bool"/> or <see cref="string"/>: the four types both encoders
/// have (PointData's unsigned and single-precision fields have no counterpart in ours; see the README).
/// </summary>
public sealed record OraclePoint(
    string Measurement,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<KeyValuePair<string, object>> Fields,
    long? Timestamp)
{
    /// <summary>Readable form for FsCheck's counterexamples (control characters and surrogates as code points).</summary>
    public override string ToString() =>
        $"{Show(Measurement)} tags[{string.Join(", ", Tags.Select(t => Show(t.Key) + "=" + Show(t.Value)))}] " +
        $"fields[{string.Join(", ", Fields.Select(f => Show(f.Key) + "=" + (f.Value is string s ? Show(s) : $"{f.Value} ({f.Value.GetType().Name})")))}] " +
        $"time {Timestamp?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";

    public static string Show(string s) =>
        "\"" + string.Concat(s.Select(c => c < 0x20 || c == 0x7f || char.IsSurrogate(c) || c == '\\' ? $"\\u{(int)c:X4}" : c.ToString())) + "\"";
}
