using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Stream event <c>reading</c>: the readings of one telemetry message, oldest first.</summary>
public sealed record ReadingEventDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("readings")] public IReadOnlyList<ReadingPointDto> Readings { get; init; } = [];
}
