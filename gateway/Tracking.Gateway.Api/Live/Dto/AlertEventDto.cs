using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Stream event <c>alert</c>: an alert was raised, escalated, acknowledged or resolved; the alert as stored after.</summary>
public sealed record AlertEventDto
{
    /// <summary>raised, escalated, acknowledged or resolved.</summary>
    [JsonPropertyName("transition")] public required string Transition { get; init; }

    [JsonPropertyName("at")] public DateTimeOffset At { get; init; }
    [JsonPropertyName("alert")] public required AlertDto Alert { get; init; }
}
