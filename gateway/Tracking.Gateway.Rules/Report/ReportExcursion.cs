using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Report;

/// <summary>An excursion as the rules define it (first reading outside to first reading back inside by the hysteresis).</summary>
public sealed record ReportExcursion
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("band")] public required string Band { get; init; }
    [JsonPropertyName("start")] public DateTimeOffset Start { get; init; }

    /// <summary>Null: still outside at the range's last reading.</summary>
    [JsonPropertyName("end")] public DateTimeOffset? End { get; init; }

    [JsonPropertyName("peak")] public double Peak { get; init; }
    [JsonPropertyName("duration_s")] public double DurationS { get; init; }

    /// <summary>Part of the duration not covered by consecutive readings.</summary>
    [JsonPropertyName("unknown_s")] public double UnknownS { get; init; }
}
