using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary><c>GET /api/v1/containers/{container}/warnings</c>: the container's predictive warnings in force (empty: none).</summary>
public sealed record WarningsDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("warnings")] public IReadOnlyList<WarningDto> Warnings { get; init; } = [];
}
