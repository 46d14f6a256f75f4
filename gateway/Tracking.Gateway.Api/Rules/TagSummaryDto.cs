using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>The engine's view of one tag of a container (the tag's trip so far). NaN values are null.</summary>
public sealed record TagSummaryDto
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("first_reading")] public DateTimeOffset? FirstReading { get; init; }
    [JsonPropertyName("last_reading")] public DateTimeOffset? LastReading { get; init; }

    /// <summary>MKT over the trip, degC; null before two consecutive readings.</summary>
    [JsonPropertyName("mkt_trip_c")] public double? MktTripC { get; init; }

    /// <summary>MKT over the profile's rolling window, degC; null without a window.</summary>
    [JsonPropertyName("mkt_window_c")] public double? MktWindowC { get; init; }

    /// <summary>Time not covered by consecutive readings (gaps, reboots): neither in range nor outside.</summary>
    [JsonPropertyName("unknown_s")] public double UnknownS { get; init; }

    [JsonPropertyName("excursions")] public IReadOnlyList<ExcursionDto> Excursions { get; init; } = [];
    [JsonPropertyName("shock_count")] public int ShockCount { get; init; }
    [JsonPropertyName("shock_max_g")] public double? ShockMaxG { get; init; }
    [JsonPropertyName("shocks")] public IReadOnlyList<ShockDto> Shocks { get; init; } = [];

    /// <summary>Readings that came after the evaluation window had passed them: counted, not evaluated.</summary>
    [JsonPropertyName("too_late")] public long TooLate { get; init; }

    /// <summary>The trip of the newest reading (null: none); the MKT and unknown time above are that trip's.</summary>
    [JsonPropertyName("trip")] public long? Trip { get; init; }
}
