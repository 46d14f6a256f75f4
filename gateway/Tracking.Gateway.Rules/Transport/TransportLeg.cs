using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Transport;

/// <summary>A leg of the trip told from the pressure: <c>air</c> (cabin pressure) from its first to its last reading.</summary>
public sealed record TransportLeg
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("kind")] public string Kind { get; init; } = "air";
    [JsonPropertyName("start")] public DateTimeOffset Start { get; init; }
    [JsonPropertyName("end")] public DateTimeOffset End { get; init; }
    [JsonPropertyName("duration_s")] public double DurationS { get; init; }
    [JsonPropertyName("min_hpa")] public double MinHpa { get; init; }
    [JsonPropertyName("mean_hpa")] public double MeanHpa { get; init; }
}
