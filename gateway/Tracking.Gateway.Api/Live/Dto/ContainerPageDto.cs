using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary><c>GET /api/v1/containers</c>: one page of the selected containers, their total, and counts by state.</summary>
public sealed record ContainerPageDto
{
    /// <summary>Containers matching every filter.</summary>
    [JsonPropertyName("total")] public int Total { get; init; }

    [JsonPropertyName("page")] public int Page { get; init; }
    [JsonPropertyName("page_size")] public int PageSize { get; init; }
    [JsonPropertyName("counts")] public required StateCountsDto Counts { get; init; }
    [JsonPropertyName("containers")] public IReadOnlyList<ContainerDto> Containers { get; init; } = [];
}
