using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>Time a band's metric spent outside it, device time; <c>end</c> null while it lasts.</summary>
public sealed record ExcursionDto
{
    [JsonPropertyName("band")] public required string Band { get; init; }
    [JsonPropertyName("start")] public DateTimeOffset Start { get; init; }
    [JsonPropertyName("end")] public DateTimeOffset? End { get; init; }
    [JsonPropertyName("peak")] public double? Peak { get; init; }
    [JsonPropertyName("duration_s")] public double DurationS { get; init; }

    /// <summary>The trip it was measured in (docs/api.md "Trips"); null outside every trip.</summary>
    [JsonPropertyName("trip")] public long? Trip { get; init; }
}
