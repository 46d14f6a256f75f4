using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// Time between two readings of a tag that are not consecutive: <see cref="Missing"/> readings lost (sequence numbers
/// skipped), or a reboot (<see cref="Reboot"/>; how many readings were lost across it is unknown, so null).
/// </summary>
public sealed record ReportGap
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("start")] public DateTimeOffset Start { get; init; }
    [JsonPropertyName("end")] public DateTimeOffset End { get; init; }
    [JsonPropertyName("duration_s")] public double DurationS { get; init; }
    [JsonPropertyName("missing")] public long? Missing { get; init; }
    [JsonPropertyName("reboot")] public bool Reboot { get; init; }
}
