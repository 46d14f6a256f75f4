using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Api.Rules;

/// <summary>A trip as the API shows it (docs/api.md "Trips"): start and end in device time, end null while it lasts.</summary>
public sealed record TripDto
{
    [JsonPropertyName("id")] public required long Id { get; init; }

    [JsonPropertyName("fleet")] public required string Fleet { get; init; }

    [JsonPropertyName("container")] public required string Container { get; init; }

    [JsonPropertyName("start")] public required DateTimeOffset Start { get; init; }

    [JsonPropertyName("end")] public DateTimeOffset? End { get; init; }

    /// <summary><c>open</c> while it lasts, else <c>ended</c>.</summary>
    [JsonPropertyName("state")] public required string State { get; init; }

    [JsonPropertyName("reference")] public string? Reference { get; init; }

    /// <summary>The profile in force when it started.</summary>
    [JsonPropertyName("profile")] public string? Profile { get; init; }

    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }

    public static TripDto From(Trip t) => new()
    {
        Id = t.Id, Fleet = t.Container.Fleet, Container = t.Container.Container, Start = t.Start, End = t.End,
        State = t.End is null ? "open" : "ended", Reference = t.Reference, Profile = t.Profile, CreatedAt = t.CreatedAt,
    };
}
