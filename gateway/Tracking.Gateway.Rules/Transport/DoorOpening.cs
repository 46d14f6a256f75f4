using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Transport;

/// <summary>
/// A probable door opening: temperature and humidity jumping together away from where they stood. <see cref="End"/> is the
/// first reading back within half the jump (null: not seen in the data).
/// </summary>
public sealed record DoorOpening
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("start")] public DateTimeOffset Start { get; init; }
    [JsonPropertyName("end")] public DateTimeOffset? End { get; init; }

    /// <summary>Largest temperature departure from the level before the jump, signed.</summary>
    [JsonPropertyName("temp_delta_c")] public double TempDeltaC { get; init; }

    /// <summary>Humidity departure at that reading, signed.</summary>
    [JsonPropertyName("rh_delta_pct")] public double RhDeltaPct { get; init; }
}
