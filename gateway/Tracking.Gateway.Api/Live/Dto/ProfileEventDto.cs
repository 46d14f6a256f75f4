using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Stream event <c>profile</c>: the profile in force for a container changed (null: none).</summary>
public sealed record ProfileEventDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("profile")] public string? Profile { get; init; }
}
