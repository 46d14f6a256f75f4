namespace Tracking.Gateway.Rules;

/// <summary>
/// A stretch of device time a band's metric spent outside it: from the first reading outside to the first reading back
/// inside (null while it lasts), with the worst value. Identified by (container, tag, band, start), so re-evaluating the
/// same readings (a replay, late data) updates it instead of adding another, and two tags of one container sampling on the
/// same grid keep an excursion each even when both begin at the same reading time.
/// </summary>
public sealed record Excursion
{
    public required ContainerKey Container { get; init; }

    /// <summary>The tag whose readings these are ("" for a record stored before tags were recorded).</summary>
    public required string Tag { get; init; }

    public required string Band { get; init; }
    public required DateTimeOffset Start { get; init; }
    public DateTimeOffset? End { get; init; }

    /// <summary>The value furthest outside.</summary>
    public required double Peak { get; init; }

    /// <summary>Time outside so far (end or last reading minus start).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The trip it was measured in (its start is in it); null outside every trip (README.md "Trips").</summary>
    public long? Trip { get; init; }
}
