using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>An unresolved alert in the fleet list; <c>GET /api/v1/alerts/{id}</c> has all of it.</summary>
public sealed record AlertBriefDto
{
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("band")] public string? Band { get; init; }
    [JsonPropertyName("severity")] public required string Severity { get; init; }

    /// <summary>open or acknowledged.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }

    [JsonPropertyName("since")] public DateTimeOffset Since { get; init; }
}
