using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>One counted shock: device time and peak g.</summary>
public sealed record ShockDto
{
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
    [JsonPropertyName("g")] public double G { get; init; }
}
