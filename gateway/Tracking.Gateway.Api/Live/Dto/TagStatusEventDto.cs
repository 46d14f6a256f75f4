using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Stream event <c>tag_status</c>: a status message of a tag arrived; <see cref="Status"/> as the fleet list shows the tag.</summary>
public sealed record TagStatusEventDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("status")] public required TagStatusDto Status { get; init; }
}
