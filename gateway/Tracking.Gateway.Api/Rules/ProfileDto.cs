using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Rules;

/// <summary>A profile as the API shows it and takes it (<c>PUT /api/v1/profiles/{name}</c>); docs/api.md.</summary>
public sealed record ProfileDto
{
    /// <summary>In a response the profile's name; in a request optional, and then it must be the route's name.</summary>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary><c>stored</c> (put through the API) or <c>preset</c> (built in); ignored in a request.</summary>
    [JsonPropertyName("source")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Source { get; init; }

    [JsonPropertyName("bands")] public IReadOnlyList<BandDto> Bands { get; init; } = [];

    [JsonPropertyName("shock_g")] public double? ShockG { get; init; }

    [JsonPropertyName("battery_v")] public double? BatteryV { get; init; }

    [JsonPropertyName("silence_s")] public double? SilenceS { get; init; }

    [JsonPropertyName("mkt_limit_c")] public double? MktLimitC { get; init; }

    [JsonPropertyName("mkt_window_s")] public double? MktWindowS { get; init; }
}
