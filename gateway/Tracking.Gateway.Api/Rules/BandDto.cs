using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>A profile band as the API shows it; times in seconds, enums as lower-case words (docs/api.md).</summary>
public sealed record BandDto
{
    /// <summary><c>temp_c</c> or <c>rh</c>.</summary>
    [JsonPropertyName("metric")] public required string Metric { get; init; }

    /// <summary><c>upper</c>, <c>lower</c> or <c>dual</c>.</summary>
    [JsonPropertyName("kind")] public required string Kind { get; init; }

    /// <summary>The limit of an upper or lower band (inclusive).</summary>
    [JsonPropertyName("limit")] public double? Limit { get; init; }

    /// <summary>The lower limit of a dual band.</summary>
    [JsonPropertyName("low")] public double? Low { get; init; }

    /// <summary>The upper limit of a dual band.</summary>
    [JsonPropertyName("high")] public double? High { get; init; }

    /// <summary>Continuous time outside before the alarm, 0 s to 800 h; 0 when absent.</summary>
    [JsonPropertyName("delay_s")] public double? DelayS { get; init; }

    /// <summary>Total time outside over the trip that raises the alarm too; null: no budget.</summary>
    [JsonPropertyName("cumulative_s")] public double? CumulativeS { get; init; }

    /// <summary><c>info</c>, <c>warning</c>, <c>alarm</c> (when absent) or <c>critical</c>.</summary>
    [JsonPropertyName("severity")] public string? Severity { get; init; }

    /// <summary>How far back inside a reading must be to end an excursion; 0 when absent.</summary>
    [JsonPropertyName("hysteresis")] public double? Hysteresis { get; init; }

    /// <summary>The band's derived name (in alerts and excursions); ignored in a request.</summary>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }
}
