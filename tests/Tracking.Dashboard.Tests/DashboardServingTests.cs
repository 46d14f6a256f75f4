using System.Net;
using System.Text.RegularExpressions;

namespace Tracking.Dashboard.Tests;

/// <summary>The gateway serves the built site at / beside its API, everything from its own origin (no CDN).</summary>
[Collection(FleetCollection.Name)]
public sealed partial class DashboardServingTests(FleetFixture fleet)
{
    [GeneratedRegex("""https?://[^\s"'`)]+""")]
    private static partial Regex AbsoluteUrl();

    [Fact]
    public async Task Root_is_the_dashboard_with_a_same_origin_policy_and_the_api_still_answers()
    {
        using var http = new HttpClient();
        HttpResponseMessage index = await http.GetAsync(fleet.Gateway.BaseUrl + "/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"app.js\">", await index.Content.ReadAsStringAsync());
        Assert.StartsWith("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());

        HttpResponseMessage js = await http.GetAsync(fleet.Gateway.BaseUrl + "/app.js");
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Contains("javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(fleet.Gateway.BaseUrl + "/app.css")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(fleet.Gateway.BaseUrl + "/api/v1/containers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(fleet.Gateway.BaseUrl + "/no-such-file.js")).StatusCode);
    }

    [Fact]
    public void The_built_site_loads_nothing_from_elsewhere()
    {
        string dist = DashboardSite.Require();
        foreach (string file in Directory.GetFiles(dist).Where(f => f.EndsWith(".js", StringComparison.Ordinal)
            || f.EndsWith(".css", StringComparison.Ordinal) || f.EndsWith(".html", StringComparison.Ordinal)))
        {
            // Namespace names (SVG's) are identifiers, not fetched; anything else absolute would be a CDN or a tracker.
            string[] urls = [.. AbsoluteUrl().Matches(File.ReadAllText(file)).Select(m => m.Value).Where(u => !u.StartsWith("http://www.w3.org/", StringComparison.Ordinal))];
            Assert.True(urls.Length == 0, $"{Path.GetFileName(file)} names {string.Join(", ", urls)}");
        }
    }

    [Fact]
    public async Task A_named_dashboard_folder_without_a_built_site_stops_the_start()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tracking-tests", "no-dashboard-" + Guid.NewGuid().ToString("N"));
        using var gateway = GatewayUnderTest.Start($"--Dashboard:Directory={missing}");
        int exit = await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, exit);
        Assert.Contains("Dashboard:Directory", gateway.Output);
        Assert.Contains("has no index.html", gateway.Output);
    }
}
