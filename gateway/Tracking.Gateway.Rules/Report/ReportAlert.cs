using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Rules.Report;

/// <summary>An alert of the range with its acknowledgement, as the rule store holds it.</summary>
public sealed record ReportAlert
{
    [JsonPropertyName("id")] public long Id { get; init; }
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("band")] public string? Band { get; init; }
    [JsonPropertyName("severity")] public required string Severity { get; init; }
    [JsonPropertyName("state")] public required string State { get; init; }
    [JsonPropertyName("since")] public DateTimeOffset Since { get; init; }
    [JsonPropertyName("raised_at")] public DateTimeOffset RaisedAt { get; init; }
    [JsonPropertyName("value")] public double? Value { get; init; }
    [JsonPropertyName("limit")] public double? Limit { get; init; }
    [JsonPropertyName("message")] public string Message { get; init; } = "";
    [JsonPropertyName("acknowledged_by")] public string? AcknowledgedBy { get; init; }
    [JsonPropertyName("acknowledged_at")] public DateTimeOffset? AcknowledgedAt { get; init; }
    [JsonPropertyName("acknowledge_note")] public string? AcknowledgeNote { get; init; }
    [JsonPropertyName("resolved_at")] public DateTimeOffset? ResolvedAt { get; init; }
    [JsonPropertyName("escalations")] public int Escalations { get; init; }

    public static ReportAlert From(Alert a) => new()
    {
        Id = a.Id, Kind = a.Kind, Band = a.Band, Severity = a.Severity.ToString().ToLowerInvariant(),
        State = a.State.ToString().ToLowerInvariant(), Since = a.Since, RaisedAt = a.RaisedAt,
        Value = a.Value is { } v && double.IsFinite(v) ? v : null, Limit = a.Limit is { } l && double.IsFinite(l) ? l : null,
        Message = a.Message, AcknowledgedBy = a.AcknowledgedBy, AcknowledgedAt = a.AcknowledgedAt, AcknowledgeNote = a.AcknowledgeNote,
        ResolvedAt = a.ResolvedAt, Escalations = a.Escalations,
    };
}
