using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>
/// One time bucket of <c>GET /api/v1/containers/{container}/readings</c> over every tag of the container: min, max and
/// mean of each sensor (null: no value in the bucket), so peaks survive the downsampling.
/// </summary>
public sealed record ReadingBucketDto
{
    /// <summary>The bucket's start.</summary>
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }

    /// <summary>Readings in the bucket.</summary>
    [JsonPropertyName("count")] public long Count { get; init; }

    [JsonPropertyName("temp_c_min")] public double? TempCMin { get; init; }
    [JsonPropertyName("temp_c_max")] public double? TempCMax { get; init; }
    [JsonPropertyName("temp_c_mean")] public double? TempCMean { get; init; }
    [JsonPropertyName("rh_pct_min")] public double? RhPctMin { get; init; }
    [JsonPropertyName("rh_pct_max")] public double? RhPctMax { get; init; }
    [JsonPropertyName("rh_pct_mean")] public double? RhPctMean { get; init; }
    [JsonPropertyName("pressure_hpa_min")] public double? PressureHpaMin { get; init; }
    [JsonPropertyName("pressure_hpa_max")] public double? PressureHpaMax { get; init; }
    [JsonPropertyName("pressure_hpa_mean")] public double? PressureHpaMean { get; init; }
    [JsonPropertyName("peak_g_max")] public double? PeakGMax { get; init; }
}
