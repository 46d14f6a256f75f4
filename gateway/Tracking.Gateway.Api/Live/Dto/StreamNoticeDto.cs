using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>
/// Stream events <c>reset</c> (the resume point is outside the window: reload the list, then follow the stream) and
/// <c>disconnect</c> (the server ends the stream, e.g. the client fell behind: reconnect with Last-Event-ID).
/// </summary>
public sealed record StreamNoticeDto
{
    [JsonPropertyName("reason")] public required string Reason { get; init; }
}
