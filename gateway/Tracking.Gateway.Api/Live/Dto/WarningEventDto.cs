using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Stream event <c>warnings</c>: a container's predictive warnings changed; the ones now in force (empty: none).</summary>
public sealed record WarningEventDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("warnings")] public IReadOnlyList<WarningBriefDto> Warnings { get; init; } = [];
}
