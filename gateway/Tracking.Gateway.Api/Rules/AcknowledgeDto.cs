using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary><c>POST /api/v1/alerts/{id}/ack</c>: who acknowledges, and an optional note (the action taken).</summary>
public sealed record AcknowledgeDto
{
    [JsonPropertyName("by")] public required string By { get; init; }

    [JsonPropertyName("note")] public string? Note { get; init; }
}
