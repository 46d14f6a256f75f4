using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>One reading of a stream <c>reading</c> event: device time and each sensor's value (null: no value).</summary>
public sealed record ReadingPointDto
{
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
    [JsonPropertyName("temp_c")] public double? TempC { get; init; }
    [JsonPropertyName("rh_pct")] public double? RhPct { get; init; }
    [JsonPropertyName("pressure_hpa")] public double? PressureHpa { get; init; }
    [JsonPropertyName("peak_g")] public double? PeakG { get; init; }
}
