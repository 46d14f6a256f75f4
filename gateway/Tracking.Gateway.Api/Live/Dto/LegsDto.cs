using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>
/// <c>GET /api/v1/containers/{container}/legs</c>: the air legs the rules' detector finds in each tag's pressure over
/// [<see cref="From"/>, <see cref="To"/>), oldest first (the trip report's <c>legs</c> for the same range).
/// </summary>
public sealed record LegsDto
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("from")] public DateTimeOffset From { get; init; }
    [JsonPropertyName("to")] public DateTimeOffset To { get; init; }
    [JsonPropertyName("legs")] public IReadOnlyList<TransportLeg> Legs { get; init; } = [];
}
