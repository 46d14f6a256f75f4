using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// A predictive warning in force: the band whose alarm the tag's recent trend says will fire within the horizon
/// (gateway/Tracking.Gateway.Rules/README.md, "Predictive warnings"). Times are device times, ISO 8601 UTC.
/// </summary>
public sealed record WarningDto
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }

    /// <summary>The band's name, as in its alerts and excursions.</summary>
    [JsonPropertyName("band")] public required string Band { get; init; }

    /// <summary>The alert kind the alarm would raise: <c>temp_high</c>, <c>temp_low</c>, <c>rh_high</c>, <c>rh_low</c>.</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>The band's severity: what the alarm would be.</summary>
    [JsonPropertyName("severity")] public required string Severity { get; init; }

    [JsonPropertyName("limit")] public double Limit { get; init; }

    /// <summary>When the trend reaches the limit; the excursion's start when it has begun already.</summary>
    [JsonPropertyName("predicted_breach")] public DateTimeOffset PredictedBreach { get; init; }

    /// <summary>When the alarm would fire (breach plus the band's delay), if the trend holds.</summary>
    [JsonPropertyName("predicted_alarm")] public DateTimeOffset PredictedAlarm { get; init; }

    /// <summary>Theil-Sen slope of the band's metric per hour (degC/h or %RH/h).</summary>
    [JsonPropertyName("slope_per_h")] public double SlopePerHour { get; init; }

    /// <summary>The trend line's value at the newest reading.</summary>
    [JsonPropertyName("level")] public double Level { get; init; }

    [JsonPropertyName("points")] public int Points { get; init; }

    /// <summary>Share of the pairwise slopes agreeing with the trend's direction (0.5 to 1).</summary>
    [JsonPropertyName("confidence")] public double Confidence { get; init; }

    [JsonPropertyName("issued_at")] public DateTimeOffset IssuedAt { get; init; }
    [JsonPropertyName("updated_at")] public DateTimeOffset UpdatedAt { get; init; }
}
