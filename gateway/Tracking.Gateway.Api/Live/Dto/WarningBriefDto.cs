using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>A predictive warning in force: which band's alarm the trend says will fire, and when.</summary>
public sealed record WarningBriefDto
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("band")] public required string Band { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("severity")] public required string Severity { get; init; }
    [JsonPropertyName("predicted_alarm")] public DateTimeOffset PredictedAlarm { get; init; }
}
