using System.Net;
using System.Text.Json;

namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// docs/api.md "Tokens and fleets": a token limited to fleet north sees and changes only north, on every endpoint:
/// lists hold only north, <c>?fleet=south</c> is 403, a south container or alert reached by its id is 404 (the answer
/// does not say it exists), profiles are read-only to it.
/// </summary>
[Collection(WafCollection.Name)]
public sealed class FleetScopeTests(WafGateway gateway)
{
    private const string S = WafGateway.SouthBox, N = WafGateway.NorthBox;
    private const HttpStatusCode Forbidden = HttpStatusCode.Forbidden, Missing = HttpStatusCode.NotFound;

    private string Range => $"from={Uri.EscapeDataString(gateway.T0.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(gateway.T0.AddHours(1).ToString("O"))}";

    [Fact]
    public async Task Lists_hold_only_the_tokens_fleets()
    {
        JsonElement list = await JsonAsync("/api/v1/containers");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(N, Assert.Single(list.GetProperty("containers").EnumerateArray()).GetProperty("container").GetString());
        Assert.Equal(1, list.GetProperty("counts").GetProperty("low_battery").GetInt32());

        JsonElement alerts = await JsonAsync("/api/v1/alerts");
        Assert.NotEmpty(alerts.EnumerateArray());
        Assert.All(alerts.EnumerateArray(), a => Assert.Equal("north", a.GetProperty("fleet").GetString()));
        Assert.Empty((await JsonAsync($"/api/v1/alerts?container={S}")).EnumerateArray());

        // Its own fleet works on every read.
        foreach (string url in new[]
        {
            "/api/v1/containers?fleet=north", $"/api/v1/containers/{N}/summary", $"/api/v1/containers/{N}/warnings",
            $"/api/v1/containers/{N}/readings?{Range}", $"/api/v1/containers/{N}/legs?{Range}", $"/api/v1/containers/{N}/report?{Range}",
            $"/api/v1/alerts/{gateway.NorthAlertId}", "/api/v1/fleets/north/profile", "/api/v1/profiles", "/api/v1/profiles/frozen",
        })
        {
            await JsonAsync(url);
        }
    }

    [Fact]
    public async Task Another_fleet_is_403_by_name_and_404_by_id_on_every_read()
    {
        (string Url, HttpStatusCode Status, string Detail)[] table =
        [
            ("/api/v1/containers?fleet=south", Forbidden, "south"),
            ("/api/v1/alerts?fleet=south", Forbidden, "south"),
            ("/api/v1/stream?fleet=south", Forbidden, "south"),
            ("/api/v1/fleets/south/profile", Forbidden, "south"),
            ($"/api/v1/containers/{S}/summary", Missing, "unknown container"),
            ($"/api/v1/containers/{S}/summary?fleet=south", Forbidden, "south"),
            ($"/api/v1/containers/{S}/warnings", Missing, "unknown container"),
            ($"/api/v1/containers/{S}/warnings?fleet=south", Forbidden, "south"),
            ($"/api/v1/containers/{S}/readings?{Range}", Missing, "unknown container"),
            ($"/api/v1/containers/{S}/readings?{Range}&fleet=south", Forbidden, "south"),
            ($"/api/v1/containers/{S}/legs?{Range}", Missing, "unknown container"),
            ($"/api/v1/containers/{S}/legs?{Range}&fleet=south", Forbidden, "south"),
            ($"/api/v1/containers/{S}/report?{Range}", Missing, "unknown container"),
            ($"/api/v1/containers/{S}/report?{Range}&fleet=south", Forbidden, "south"),
            ($"/api/v1/alerts/{gateway.SouthAlertId}", Missing, $"unknown alert {gateway.SouthAlertId}"),
        ];
        foreach (var (url, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, WafGateway.North);
            await ApiProblem.AssertAsync(response, status, detail, url);
        }
    }

    [Fact]
    public async Task It_changes_only_its_fleet()
    {
        (HttpMethod Method, string Url, string Body, HttpStatusCode Status, string Detail)[] table =
        [
            (HttpMethod.Put, "/api/v1/profiles/waf-north", """{"bands":[]}""", Forbidden, "profile"),
            (HttpMethod.Put, $"/api/v1/containers/{S}/profile", """{"profile":"frozen"}""", Missing, "unknown container"),
            (HttpMethod.Put, $"/api/v1/containers/{S}/profile", """{"profile":"frozen","fleet":"south"}""", Forbidden, "south"),
            (HttpMethod.Put, $"/api/v1/containers/{S}/profile?fleet=south", """{"profile":"frozen"}""", Forbidden, "south"),
            (HttpMethod.Put, "/api/v1/fleets/south/profile", """{"profile":"frozen"}""", Forbidden, "south"),
            (HttpMethod.Post, $"/api/v1/alerts/{gateway.SouthAlertId}/ack", """{"by":"north-op"}""", Missing, "unknown alert"),
        ];
        foreach (var (method, url, body, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(method, url, WafGateway.North, body);
            await ApiProblem.AssertAsync(response, status, detail, $"{method} {url} {body}");
        }

        // Nothing of south changed: no stored profile, south's assignment and fleet default untouched by north's calls.
        using (HttpResponseMessage profile = await gateway.SendAsync(HttpMethod.Get, "/api/v1/profiles/waf-north", WafGateway.Full))
        {
            Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
        }
        JsonElement southAlert = await JsonAsync($"/api/v1/alerts/{gateway.SouthAlertId}", WafGateway.Full);
        Assert.NotEqual("north-op", southAlert.GetProperty("acknowledged_by").ToString());
        Assert.NotEqual("frozen", (await JsonAsync("/api/v1/fleets/south/profile", WafGateway.Full)).GetProperty("profile").ToString());
        Assert.NotEqual("frozen", (await JsonAsync($"/api/v1/containers/{S}/report?{Range}", WafGateway.Full)).GetProperty("profile").ToString());

        // Its own fleet it may change (a container assignment and the fleet's default; same profile as the default, so
        // the other classes' reads see no difference).
        using HttpResponseMessage own = await gateway.SendAsync(HttpMethod.Put, $"/api/v1/containers/{N}/profile", WafGateway.North,
            """{"profile":"pharma_2_8"}""");
        Assert.True(own.StatusCode == HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        Assert.Contains("\"fleet\":\"north\"", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> JsonAsync(string url, string token = WafGateway.North)
    {
        using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, token);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
