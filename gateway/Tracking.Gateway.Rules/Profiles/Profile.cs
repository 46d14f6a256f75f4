namespace Tracking.Gateway.Rules.Profiles;

/// <summary>
/// What a container's cargo tolerates: bands on temperature and humidity, a shock threshold, a battery threshold, a
/// silence limit and the mean-kinetic-temperature limit over a rolling window. Assigned per container, with a fleet default.
/// </summary>
public sealed record Profile
{
    public required string Name { get; init; }
    private readonly Band[] _bands = [];

    public IReadOnlyList<Band> Bands
    {
        get => _bands;
        // Kept as an array (the one given, when it is one), so the rules read a band without an interface call per band
        // and reading (issue 12: the interface dispatch of Count and the indexer was about 5 % of the rules' CPU).
        init => _bands = value as Band[] ?? [.. value];
    }

    /// <summary><see cref="Bands"/> as the array it is kept in: read it, never write it.</summary>
    internal Band[] BandArray => _bands;

    /// <summary>Shocks at or above this peak g are counted and alerted; null: shocks are only recorded.</summary>
    public double? ShockG { get; init; }

    /// <summary>Battery volts at or below this raise <c>battery_low</c>; null: not watched.</summary>
    public double? BatteryV { get; init; }

    /// <summary>No reading for this long opens <c>tag_silent</c> (a timer, not a message, decides); null: not watched.</summary>
    public TimeSpan? Silence { get; init; }

    /// <summary>MKT at or above this (degC) over <see cref="MktWindow"/> raises an alarm; null: MKT is only reported.</summary>
    public double? MktLimitC { get; init; }

    public TimeSpan? MktWindow { get; init; }
}
