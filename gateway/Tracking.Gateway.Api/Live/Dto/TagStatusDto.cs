using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>
/// A tag of a container: what its latest status message said (docs/protocol.md 4.3; null before the first, or when the
/// message left it out) and when the gateway last received anything from it.
/// </summary>
public sealed record TagStatusDto
{
    [JsonPropertyName("tag")] public required string Tag { get; init; }
    [JsonPropertyName("last_seen")] public DateTimeOffset LastSeen { get; init; }

    /// <summary>Arrival time of the latest status message.</summary>
    [JsonPropertyName("status_at")] public DateTimeOffset? StatusAt { get; init; }

    /// <summary>False after the tag's will (connection lost mid-session).</summary>
    [JsonPropertyName("online")] public bool? Online { get; init; }

    [JsonPropertyName("battery_v")] public double? BatteryV { get; init; }
    [JsonPropertyName("rssi_dbm")] public long? RssiDbm { get; init; }

    /// <summary>Readings still in the tag's flash after its last session.</summary>
    [JsonPropertyName("spool_depth")] public long? SpoolDepth { get; init; }

    [JsonPropertyName("firmware")] public string? Firmware { get; init; }
    [JsonPropertyName("report_s")] public long? ReportS { get; init; }
}
