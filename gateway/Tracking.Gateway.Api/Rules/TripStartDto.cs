using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// <c>POST /api/v1/containers/{container}/trips</c>: when the trip starts (ISO 8601 device time, UTC when no offset is
/// given; absent: now, the gateway's clock), the operator's reference (booking or bill-of-lading number) and the container's
/// fleet (as for a profile assignment). An empty body starts a trip now without a reference.
/// </summary>
public sealed record TripStartDto
{
    [JsonPropertyName("start")] public string? Start { get; init; }

    [JsonPropertyName("reference")] public string? Reference { get; init; }

    [JsonPropertyName("fleet")] public string? Fleet { get; init; }
}
