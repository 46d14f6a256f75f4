using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>Random profiles for round-trip properties: every field, with nulls, extreme doubles and extreme durations.</summary>
internal static class ProfileGen
{
    private static Gen<double> Doubles =>
        Gen.Frequency(
            (4, ArbMap.Default.ArbFor<double>().Generator),
            (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon,
                -0.0, 0.1 + 0.2, 8.0, -18.0)));

    private static Gen<TimeSpan> Durations =>
        Gen.Frequency(
            (3, Gen.Choose(0, 800 * 3600).Select(s => TimeSpan.FromSeconds(s))),
            (2, ArbMap.Default.ArbFor<long>().Generator.Select(TimeSpan.FromTicks)),
            (1, Gen.Elements(TimeSpan.Zero, TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromTicks(1))));

    private static Gen<T?> OrNull<T>(Gen<T> gen) where T : struct =>
        Gen.Frequency((1, Gen.Constant<T?>(null)), (3, gen.Select(v => (T?)v)));

    /// <summary>Names a profile may have: ASCII, accents, other scripts, emoji (no NUL: PostgreSQL text cannot hold it).</summary>
    private static Gen<string> Names =>
        Gen.Elements("pharma", "crt-15-25", "Frozen", "frisch ø", "冷蔵", "🧊 ice", "a b", "\"quoted\"", "back\\slash", "x")
            .SelectMany(name => Gen.Choose(0, 9999).Select(n => $"{name}-{n}"));

    private static Gen<Band> Bands =>
        from metric in Gen.Elements(Enum.GetValues<Metric>())
        from kind in Gen.Elements(Enum.GetValues<BandKind>())
        from limit in Doubles
        from low in Doubles
        from high in Doubles
        from delay in Durations
        from cumulative in OrNull(Durations)
        from severity in Gen.Elements(Enum.GetValues<Severity>())
        from hysteresis in Doubles
        select new Band
        {
            Metric = metric, Kind = kind, Limit = limit, Low = low, High = high, Delay = delay, Cumulative = cumulative,
            Severity = severity, Hysteresis = hysteresis,
        };

    public static Gen<Profile> Profiles =>
        from name in Names
        from bands in Gen.ListOf(Bands).Select(b => b.Take(18).ToList())
        from shock in OrNull(Doubles)
        from battery in OrNull(Doubles)
        from silence in OrNull(Durations)
        from mkt in OrNull(Doubles)
        from window in OrNull(Durations)
        select new Profile { Name = name, Bands = bands, ShockG = shock, BatteryV = battery, Silence = silence, MktLimitC = mkt, MktWindow = window };
}
