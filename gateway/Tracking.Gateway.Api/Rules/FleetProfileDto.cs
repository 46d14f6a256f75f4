using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// <c>PUT /api/v1/fleets/{fleet}/profile</c> body <c>{"profile":"name"}</c>, and the answer of it and of the GET: the
/// fleet's default profile (for its containers without their own assignment) and the gateway's own default
/// (<c>Rules:DefaultProfile</c>, used when the fleet has none).
/// </summary>
public sealed record FleetProfileDto
{
    /// <summary>Required in a request; null in an answer when the fleet has no default.</summary>
    [JsonPropertyName("profile")] public required string? Profile { get; init; }

    /// <summary>Set in an answer; in a request, if given, it must be the route's fleet.</summary>
    [JsonPropertyName("fleet")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Fleet { get; init; }

    /// <summary>Set in an answer: <c>Rules:DefaultProfile</c>, the profile of containers with neither their own nor a fleet default.</summary>
    [JsonPropertyName("gateway_default")]
    public string? GatewayDefault { get; init; }
}
