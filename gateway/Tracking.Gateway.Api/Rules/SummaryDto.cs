using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary><c>GET /api/v1/containers/{container}/summary</c>: the rules engine's live view, one entry per tag.</summary>
public sealed record SummaryDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<TagSummaryDto> Tags { get; init; } = [];
}
