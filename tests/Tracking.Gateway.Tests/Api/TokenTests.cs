using System.Net;

namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// docs/api.md "Access": every PUT and POST without a token or with a token not in the file is 401 (with
/// WWW-Authenticate: Bearer), before its body is read; with a fleet-limited token in the file every GET of /api/v1 needs
/// a token too, while /healthz, /metrics and /openapi/v1.json stay open.
/// </summary>
[Collection(WafCollection.Name)]
public sealed class TokenTests(WafGateway gateway)
{
    [Fact]
    public async Task Mutating_calls_without_or_with_a_wrong_token_are_401_and_change_nothing()
    {
        (HttpMethod Method, string Url, string Body)[] table =
        [
            (HttpMethod.Put, "/api/v1/profiles/waf-token", """{"bands":[]}"""),
            (HttpMethod.Put, $"/api/v1/containers/{WafGateway.NorthBox}/profile", """{"profile":"frozen"}"""),
            (HttpMethod.Put, "/api/v1/fleets/north/profile", """{"profile":"frozen"}"""),
            (HttpMethod.Post, $"/api/v1/alerts/{gateway.NorthAlertId}/ack", """{"by":"mallory"}"""),
            // Not parsed before the token is checked: a bad body is still 401.
            (HttpMethod.Put, "/api/v1/profiles/waf-token", "{"),
        ];
        foreach (var (method, url, body) in table)
        {
            foreach (string? token in new[] { null, WafGateway.Wrong, "Basic-looking" })
            {
                using HttpResponseMessage response = await gateway.SendAsync(method, url, token, body);
                await ApiProblem.AssertAsync(response, HttpStatusCode.Unauthorized, "", $"{method} {url} token {token ?? "none"}");
                Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
            }
        }

        using HttpResponseMessage profile = await gateway.SendAsync(HttpMethod.Get, "/api/v1/profiles/waf-token", WafGateway.Full);
        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
        using HttpResponseMessage alert = await gateway.SendAsync(HttpMethod.Get, $"/api/v1/alerts/{gateway.NorthAlertId}", WafGateway.Full);
        Assert.Contains("\"acknowledged_by\":null", await alert.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using HttpResponseMessage fleet = await gateway.SendAsync(HttpMethod.Get, "/api/v1/fleets/north/profile", WafGateway.Full);
        Assert.Contains("\"profile\":null", await fleet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gets_of_api_v1_need_a_token_once_one_is_limited_to_fleets()
    {
        string[] guarded =
        [
            "/api/v1/containers", $"/api/v1/containers/{WafGateway.NorthBox}/readings", $"/api/v1/containers/{WafGateway.NorthBox}/legs",
            "/api/v1/stream", "/api/v1/profiles", "/api/v1/profiles/frozen", $"/api/v1/containers/{WafGateway.NorthBox}/summary",
            $"/api/v1/containers/{WafGateway.NorthBox}/report?from=2026-12-01&to=2026-12-02",
            $"/api/v1/containers/{WafGateway.NorthBox}/warnings", "/api/v1/fleets/north/profile", "/api/v1/alerts",
            $"/api/v1/alerts/{gateway.NorthAlertId}",
        ];
        foreach (string url in guarded)
        {
            foreach (string? token in new[] { null, WafGateway.Wrong })
            {
                using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, token);
                await ApiProblem.AssertAsync(response, HttpStatusCode.Unauthorized, "", $"GET {url} token {token ?? "none"}");
            }
        }

        foreach (string url in new[] { "/healthz", "/metrics", "/openapi/v1.json" })
        {
            using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, null);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} open: {(int)response.StatusCode}");
        }
    }
}
