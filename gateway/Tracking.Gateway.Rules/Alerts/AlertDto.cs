using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Alerts;

/// <summary>
/// An alert with its lifecycle (open, acknowledged with who, when and a note, resolved) as every output shows it: the
/// API, the live stream and the trip report. Times ISO 8601 UTC; a value or limit that is not finite is left out.
/// </summary>
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

    public static AlertDto From(Alert a) => new()
    {
        Id = a.Id,
        Key = a.Key,
        Fleet = a.Container.Fleet,
        Container = a.Container.Container,
        Tag = a.Tag,
        Kind = a.Kind,
        Band = a.Band,
        Severity = a.Severity.ToString().ToLowerInvariant(),
        State = a.State.ToString().ToLowerInvariant(),
        Since = a.Since,
        RaisedAt = a.RaisedAt,
        LateS = a.Late.TotalSeconds,
        Value = a.Value is { } v && double.IsFinite(v) ? v : null,
        Limit = a.Limit is { } l && double.IsFinite(l) ? l : null,
        Message = a.Message,
        AcknowledgedBy = a.AcknowledgedBy,
        AcknowledgedAt = a.AcknowledgedAt,
        AcknowledgeNote = a.AcknowledgeNote,
        ResolvedAt = a.ResolvedAt,
        Escalations = a.Escalations,
    };
}
