using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Containers by state among those the fleet, q and scope select (before the state filter and paging).</summary>
public sealed record StateCountsDto
{
    [JsonPropertyName("ok")] public int Ok { get; init; }
    [JsonPropertyName("warning")] public int Warning { get; init; }
    [JsonPropertyName("excursion")] public int Excursion { get; init; }
    [JsonPropertyName("silent")] public int Silent { get; init; }
    [JsonPropertyName("low_battery")] public int LowBattery { get; init; }
    [JsonPropertyName("unknown")] public int Unknown { get; init; }
}
