using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Stream event <c>state</c>: a container's state changed.</summary>
public sealed record StateEventDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("previous")] public required string Previous { get; init; }
}
