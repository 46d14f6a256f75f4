using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary><c>POST /api/v1/containers/{container}/trips/current/end</c>: when the trip ended (ISO 8601; absent: now).</summary>
public sealed record TripEndDto
{
    [JsonPropertyName("end")] public string? End { get; init; }
}
