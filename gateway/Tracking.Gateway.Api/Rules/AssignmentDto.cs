using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// <c>PUT /api/v1/containers/{container}/profile</c>: the profile to use, and the container's fleet (containers are keyed
/// by fleet and container; absent, the fleet the gateway has seen the container in, when there is exactly one).
/// The response echoes all three.
/// </summary>
public sealed record AssignmentDto
{
    [JsonPropertyName("profile")] public required string Profile { get; init; }

    [JsonPropertyName("fleet")] public string? Fleet { get; init; }

    /// <summary>Set in the response; ignored in a request (the route names the container).</summary>
    [JsonPropertyName("container")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Container { get; init; }
}
