using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>One container of <c>GET /api/v1/containers</c>: its latest reading, state, unresolved alerts, profile and tags.</summary>
public sealed record ContainerDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }

    /// <summary>The assigned profile (the container's, else its fleet's default, else the gateway's default); null: none.</summary>
    [JsonPropertyName("profile")] public string? Profile { get; init; }

    /// <summary>ok, warning, excursion, silent, low_battery or unknown (docs/api.md, "Container states").</summary>
    [JsonPropertyName("state")] public required string State { get; init; }

    /// <summary>The newest reading by device time over the container's tags; null before the first.</summary>
    [JsonPropertyName("reading")] public LatestReadingDto? Reading { get; init; }

    /// <summary>When the gateway last received anything from one of its tags.</summary>
    [JsonPropertyName("last_seen")] public DateTimeOffset? LastSeen { get; init; }

    [JsonPropertyName("alerts")] public IReadOnlyList<AlertBriefDto> Alerts { get; init; } = [];

    /// <summary>Predictive warnings in force (GET /api/v1/containers/{container}/summary has the engine's detail).</summary>
    [JsonPropertyName("warnings")] public int Warnings { get; init; }

    [JsonPropertyName("tags")] public IReadOnlyList<TagStatusDto> Tags { get; init; } = [];
}
