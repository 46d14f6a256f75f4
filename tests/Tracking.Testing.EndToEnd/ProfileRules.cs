using System.Text.Json;
using Xunit;

namespace Tracking.Testing.EndToEnd;

/// <summary>A profile's bands and shock threshold, read from the gateway's API (GET /api/v1/profiles/{name}).</summary>
public sealed record ProfileRules(IReadOnlyList<BandRule> Bands, double ShockG)
{
    public static async Task<ProfileRules> ReadAsync(GatewayProcess gateway, string profile)
    {
        using var doc = JsonDocument.Parse(await gateway.Http.GetStringAsync(gateway.Url($"api/v1/profiles/{profile}")));
        JsonElement p = doc.RootElement;
        List<BandRule> bands = [.. p.GetProperty("bands").EnumerateArray().Select(b => new BandRule(
            b.GetProperty("name").GetString()!, b.GetProperty("metric").GetString()!, b.GetProperty("kind").GetString()!,
            b.GetProperty("limit").GetDouble(), (long)(b.GetProperty("delay_s").GetDouble() * 1000), b.GetProperty("hysteresis").GetDouble()))];
        Assert.All(bands, b => Assert.Contains(b.Kind, new[] { "upper", "lower" })); // ExpectedAlerts knows no dual bands
        return new ProfileRules(bands, p.GetProperty("shock_g").GetDouble());
    }
}
