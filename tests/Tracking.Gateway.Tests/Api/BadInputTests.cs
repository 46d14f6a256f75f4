using System.Net;

namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// Bad input to each endpoint is a 4xx application/problem+json whose detail names the reason (docs/api.md "Errors"),
/// through the real composition; and nothing of it changes state.
/// </summary>
[Collection(WafCollection.Name)]
public sealed class BadInputTests(WafGateway gateway)
{
    private const string N = WafGateway.NorthBox;
    private const HttpStatusCode Bad = HttpStatusCode.BadRequest, Missing = HttpStatusCode.NotFound;

    [Fact]
    public async Task Bad_query_parameters_ids_and_ranges_are_problem_details()
    {
        (string Url, HttpStatusCode Status, string Detail)[] table =
        [
            ("/api/v1/containers?state=hot", Bad, "hot"),
            ("/api/v1/containers?sort=colour", Bad, "colour"),
            ("/api/v1/containers?page=0", Bad, "page"),
            ("/api/v1/containers?page_size=1001", Bad, "page_size"),
            ("/api/v1/containers?fleet=no.such", Bad, "fleet"),
            ($"/api/v1/containers?q={new string('x', 65)}", Bad, "q"),
            ($"/api/v1/containers/{N}/readings?from=yesterday", Bad, "from"),
            ($"/api/v1/containers/{N}/readings?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", Bad, "from"),
            ($"/api/v1/containers/{N}/readings?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", Bad, "400 days"),
            ($"/api/v1/containers/{N}/readings?max_points=0", Bad, "max_points"),
            ("/api/v1/containers/bad.id/readings", Bad, "container"),
            ("/api/v1/containers/ABCU0000000/readings", Missing, "unknown container"),
            ($"/api/v1/containers/{N}/legs?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", Bad, "from"),
            ("/api/v1/containers/ABCU0000000/legs", Missing, "unknown container"),
            ("/api/v1/containers/bad.id/summary", Bad, "container"),
            ("/api/v1/containers/ABCU0000000/summary", Missing, "unknown container"),
            ("/api/v1/containers/ABCU0000000/warnings", Missing, "unknown container"),
            ($"/api/v1/containers/{N}/summary?fleet=no.such", Bad, "fleet"),
            ($"/api/v1/containers/{N}/report", Bad, "from"),
            ($"/api/v1/containers/{N}/report?from=2026-12-01&to=2026-11-01", Bad, "to"),
            ($"/api/v1/containers/{N}/report?from=2026-01-01&to=2026-12-01", Bad, "range"),
            ($"/api/v1/containers/{N}/report?from=2026-12-01&to=2026-12-02&format=pdf", Bad, "pdf"),
            ("/api/v1/containers/ABCU0000000/report?from=2026-12-01&to=2026-12-02", Missing, "unknown container"),
            ("/api/v1/profiles/Bad%20Name", Bad, "Bad Name"),
            ("/api/v1/profiles/no_such", Missing, "unknown profile 'no_such'"),
            ("/api/v1/fleets/no.such/profile", Bad, "fleet"),
            ("/api/v1/alerts?state=closed", Bad, "closed"),
            ("/api/v1/alerts?limit=0", Bad, "limit"),
            ("/api/v1/alerts?limit=1001", Bad, "limit"),
            ("/api/v1/alerts/0", Bad, "0"),
            ("/api/v1/alerts/abc", Bad, "abc"),
            ("/api/v1/alerts/99999999", Missing, "unknown alert 99999999"),
            ("/api/v1/no-such-route", Missing, "no such route: GET /api/v1/no-such-route"),
        ];
        foreach (var (url, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, WafGateway.Full);
            await ApiProblem.AssertAsync(response, status, detail, url);
        }
    }

    [Fact]
    public async Task Bad_bodies_are_problem_details_and_change_nothing()
    {
        string tooBig = "{\"bands\":[],\"pad\":\"" + new string('x', 70_000) + "\"}";
        (HttpMethod Method, string Url, string Body, string Media, HttpStatusCode Status, string Detail)[] table =
        [
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", "{", "application/json", Bad, "JSON"),
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", """{"bands":[{"metric":"temp_c","kind":"upper","limit":8,"delays_s":60}]}""",
                "application/json", Bad, "delays_s"),
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", """{"bands":[{"metric":"temp_c","kind":"dual","low":8,"high":2}]}""",
                "application/json", Bad, "low (8) must be below high (2)"),
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", """{"bands":[{"metric":"ph","kind":"upper","limit":8}]}""", "application/json", Bad, "ph"),
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", """{"name":"other","bands":[]}""", "application/json", Bad, "name"),
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", """{"bands":[]}""", "text/plain", HttpStatusCode.UnsupportedMediaType, "must be application/json, not text/plain"),
            (HttpMethod.Put, "/api/v1/profiles/waf-bad", tooBig, "application/json", HttpStatusCode.RequestEntityTooLarge, "over 65536 bytes"),
            (HttpMethod.Put, "/api/v1/profiles/Bad%20Name", """{"bands":[]}""", "application/json", Bad, "Bad Name"),
            (HttpMethod.Put, $"/api/v1/containers/{N}/profile", "{}", "application/json", Bad, "profile"),
            (HttpMethod.Put, $"/api/v1/containers/{N}/profile", """{"profile":"no_such"}""", "application/json", Missing, "unknown profile"),
            (HttpMethod.Put, $"/api/v1/containers/{N}/profile", """{"profile":"frozen","fleet":"no.such"}""", "application/json", Bad, "fleet"),
            (HttpMethod.Put, $"/api/v1/containers/{N}/profile?fleet=north", """{"profile":"frozen","fleet":"south"}""", "application/json", Bad, "fleet"),
            (HttpMethod.Put, "/api/v1/containers/ABCU0000000/profile", """{"profile":"frozen"}""", "application/json", Missing, "unknown container"),
            (HttpMethod.Put, "/api/v1/fleets/north/profile", """{"profile":"no_such"}""", "application/json", Missing, "unknown profile"),
            (HttpMethod.Put, "/api/v1/fleets/north/profile", """{"profile":"frozen","fleet":"south"}""", "application/json", Bad, "fleet"),
            (HttpMethod.Put, "/api/v1/fleets/north/profile", """{"profile":"frozen","extra":1}""", "application/json", Bad, "extra"),
            (HttpMethod.Post, $"/api/v1/alerts/{gateway.NorthAlertId}/ack", "{}", "application/json", Bad, "by"),
            (HttpMethod.Post, $"/api/v1/alerts/{gateway.NorthAlertId}/ack", "{\"by\":\"a\\u0007b\"}", "application/json", Bad, "by"),
            (HttpMethod.Post, $"/api/v1/alerts/{gateway.NorthAlertId}/ack", $"{{\"by\":\"{new string('a', 129)}\"}}", "application/json", Bad, "by"),
            (HttpMethod.Post, "/api/v1/alerts/99999999/ack", """{"by":"ann"}""", "application/json", Missing, "unknown alert"),
            (HttpMethod.Post, "/api/v1/alerts/-1/ack", """{"by":"ann"}""", "application/json", Bad, "-1"),
            (HttpMethod.Delete, "/api/v1/profiles/frozen", "", "application/json", HttpStatusCode.MethodNotAllowed, "does not take DELETE"),
        ];
        foreach (var (method, url, body, media, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(method, url, WafGateway.Full, body, media);
            await ApiProblem.AssertAsync(response, status, detail, $"{method} {url} {(body.Length > 80 ? body[..80] : body)}");
        }

        // Refused means not stored: no profile waf-bad, the north alert still open, the north container still on the default.
        using (HttpResponseMessage profile = await gateway.SendAsync(HttpMethod.Get, "/api/v1/profiles/waf-bad", WafGateway.Full))
        {
            Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
        }
        using HttpResponseMessage alert = await gateway.SendAsync(HttpMethod.Get, $"/api/v1/alerts/{gateway.NorthAlertId}", WafGateway.Full);
        Assert.Contains("\"state\":\"open\"", await alert.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using HttpResponseMessage fleet = await gateway.SendAsync(HttpMethod.Get, "/api/v1/fleets/north/profile", WafGateway.Full);
        Assert.Contains("\"profile\":null", await fleet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
