using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>
/// <c>GET /api/v1/containers/{container}/readings</c>: buckets of <see cref="BucketS"/> seconds from <see cref="From"/>
/// to <see cref="To"/>, oldest first. A bucket without readings is absent (a gap stays a gap, never interpolated).
/// </summary>
public sealed record ReadingsDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("from")] public DateTimeOffset From { get; init; }
    [JsonPropertyName("to")] public DateTimeOffset To { get; init; }
    [JsonPropertyName("bucket_s")] public long BucketS { get; init; }
    [JsonPropertyName("points")] public IReadOnlyList<ReadingBucketDto> Points { get; init; } = [];
}
