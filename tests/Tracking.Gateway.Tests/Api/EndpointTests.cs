using System.Net;
using System.Text.Json;

namespace Tracking.Gateway.Tests.Api;

/// <summary>Every endpoint of docs/api.md answers with its documented status through the gateway's real composition.</summary>
[Collection(WafCollection.Name)]
public sealed class EndpointTests(WafGateway gateway)
{
    /// <summary>Around the fixture's first readings only (StreamResumeTests publishes more from T0 + 1 min on).</summary>
    private string Range => $"from={Uri.EscapeDataString(gateway.T0.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(gateway.T0.AddSeconds(30).ToString("O"))}";

    [Fact]
    public async Task Every_get_answers_200_with_its_media_type()
    {
        string n = WafGateway.NorthBox;
        (string Url, string Media)[] table =
        [
            ("/healthz", "application/json"),
            ("/metrics", "text/plain"),
            ("/openapi/v1.json", "application/json"),
            ("/api/v1/containers", "application/json"),
            ("/api/v1/containers?fleet=north&state=ok,low_battery&q=csqu&sort=-last_seen&page=1&page_size=10", "application/json"),
            ($"/api/v1/containers/{n}/readings?{Range}&max_points=10", "application/json"),
            ($"/api/v1/containers/{n}/legs?{Range}", "application/json"),
            ("/api/v1/profiles", "application/json"),
            ("/api/v1/profiles/frozen", "application/json"),
            ($"/api/v1/containers/{n}/summary", "application/json"),
            ($"/api/v1/containers/{n}/report?{Range}", "application/json"),
            ($"/api/v1/containers/{n}/report?{Range}&format=csv", "text/csv"),
            ($"/api/v1/containers/{n}/report?{Range}&format=html&fleet=north", "text/html"),
            ($"/api/v1/containers/{n}/warnings", "application/json"),
            ("/api/v1/fleets/north/profile", "application/json"),
            ("/api/v1/alerts?state=open&fleet=north&container=" + n + "&limit=5", "application/json"),
            ($"/api/v1/alerts/{gateway.NorthAlertId}", "application/json"),
        ];
        foreach (var (url, media) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, WafGateway.Full);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Content.Headers.ContentType?.MediaType == media, $"{url}: {response.Content.Headers.ContentType}");
        }
    }

    [Fact]
    public async Task The_answers_carry_the_published_data()
    {
        string n = WafGateway.NorthBox;
        JsonElement list = await JsonAsync($"/api/v1/containers?sort=fleet");
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        JsonElement north = list.GetProperty("containers")[0];
        Assert.Equal(("north", n, "low_battery", "pharma_2_8"), (north.GetProperty("fleet").GetString(), north.GetProperty("container").GetString(),
            north.GetProperty("state").GetString(), north.GetProperty("profile").GetString()));

        JsonElement readings = await JsonAsync($"/api/v1/containers/{n}/readings?{Range}&max_points=10");
        JsonElement point = Assert.Single(readings.GetProperty("points").EnumerateArray());
        Assert.Equal((1, 4.5), (point.GetProperty("count").GetInt32(), point.GetProperty("temp_c_max").GetDouble()));

        JsonElement report = await JsonAsync($"/api/v1/containers/{n}/report?{Range}");
        Assert.Equal((1, 4.5), (report.GetProperty("readings").GetInt32(), report.GetProperty("max_c").GetDouble()));
        Assert.Contains(report.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("id").GetInt64() == gateway.NorthAlertId);

        JsonElement summary = await JsonAsync($"/api/v1/containers/{n}/summary");
        Assert.Equal("tag-north", Assert.Single(summary.GetProperty("tags").EnumerateArray()).GetProperty("tag").GetString());

        JsonElement alert = await JsonAsync($"/api/v1/alerts/{gateway.NorthAlertId}");
        Assert.Equal(("battery_low", "north", n), (alert.GetProperty("kind").GetString(), alert.GetProperty("fleet").GetString(),
            alert.GetProperty("container").GetString()));

        JsonElement openApi = await JsonAsync("/openapi/v1.json");
        foreach (string path in new[] { "/api/v1/containers", "/api/v1/stream", "/api/v1/alerts/{id}/ack", "/api/v1/fleets/{fleet}/profile" })
        {
            Assert.True(openApi.GetProperty("paths").TryGetProperty(path, out _), $"OpenAPI has {path}");
        }
    }

    [Fact]
    public async Task Every_mutating_call_answers_200_and_a_second_ack_409()
    {
        string profile = """{"bands":[{"metric":"temp_c","kind":"upper","limit":8.0,"delay_s":1800}],"shock_g":4,"battery_v":3.0}""";
        (HttpMethod Method, string Url, string Body)[] table =
        [
            (HttpMethod.Put, "/api/v1/profiles/waf-test", profile),
            (HttpMethod.Put, $"/api/v1/containers/{WafGateway.SouthBox}/profile", """{"profile":"pharma_2_8","fleet":"south"}"""),
            (HttpMethod.Put, "/api/v1/fleets/south/profile", """{"profile":"pharma_2_8"}"""),
            (HttpMethod.Post, $"/api/v1/alerts/{gateway.SouthAlertId}/ack", """{"by":"ann","note":"battery swap booked"}"""),
        ];
        foreach (var (method, url, body) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(method, url, WafGateway.Full, body);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal("stored", (await JsonAsync("/api/v1/profiles/waf-test")).GetProperty("source").GetString());
        Assert.Equal("pharma_2_8", (await JsonAsync("/api/v1/fleets/south/profile")).GetProperty("profile").GetString());
        JsonElement acked = await JsonAsync($"/api/v1/alerts/{gateway.SouthAlertId}");
        Assert.Equal(("acknowledged", "ann"), (acked.GetProperty("state").GetString(), acked.GetProperty("acknowledged_by").GetString()));
        using HttpResponseMessage again = await gateway.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{gateway.SouthAlertId}/ack", WafGateway.Full,
            """{"by":"bob"}""");
        await ApiProblem.AssertAsync(again, HttpStatusCode.Conflict, "already acknowledged by ann", "second ack");
    }

    private async Task<JsonElement> JsonAsync(string url)
    {
        using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, WafGateway.Full);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
