using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>An alert with its lifecycle (open, acknowledged with who, when and a note, resolved); times ISO 8601 UTC.</summary>
public sealed record AlertDto
{
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("key")] public required string Key { get; init; }
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }

    /// <summary>The tag whose data raised it; null for an alert of no tag.</summary>
    [JsonPropertyName("tag")] public string? Tag { get; init; }

    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("band")] public string? Band { get; init; }
    [JsonPropertyName("severity")] public required string Severity { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("since")] public DateTimeOffset Since { get; init; }
    [JsonPropertyName("raised_at")] public DateTimeOffset RaisedAt { get; init; }

    /// <summary>How much later than the alarm's device time it was raised (late data); 0 when live.</summary>
    [JsonPropertyName("late_s")] public double LateS { get; init; }

    [JsonPropertyName("value")] public double? Value { get; init; }
    [JsonPropertyName("limit")] public double? Limit { get; init; }
    [JsonPropertyName("message")] public string Message { get; init; } = "";
    [JsonPropertyName("acknowledged_by")] public string? AcknowledgedBy { get; init; }
    [JsonPropertyName("acknowledged_at")] public DateTimeOffset? AcknowledgedAt { get; init; }
    [JsonPropertyName("acknowledge_note")] public string? AcknowledgeNote { get; init; }
    [JsonPropertyName("resolved_at")] public DateTimeOffset? ResolvedAt { get; init; }
    [JsonPropertyName("escalations")] public int Escalations { get; init; }
}
