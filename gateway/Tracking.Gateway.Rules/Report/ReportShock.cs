using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Report;

/// <summary>A shock event counted by the report (at or above the profile's threshold, each (boot, seq) once).</summary>
public sealed record ReportShock
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
    [JsonPropertyName("g")] public double G { get; init; }
}
