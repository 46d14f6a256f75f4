using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Report;

/// <summary>A tag that reported in the range: its firmware (last status), readings, and thinning during the range.</summary>
public sealed record ReportTag
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("firmware")] public string? Firmware { get; init; }
    [JsonPropertyName("readings")] public int Readings { get; init; }
    [JsonPropertyName("first_reading")] public DateTimeOffset? FirstReading { get; init; }
    [JsonPropertyName("last_reading")] public DateTimeOffset? LastReading { get; init; }
    [JsonPropertyName("lost_readings")] public long LostReadings { get; init; }
    [JsonPropertyName("thinned_readings")] public long ThinnedReadings { get; init; }
}
