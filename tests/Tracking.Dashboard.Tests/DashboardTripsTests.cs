using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Tracking.Testing;
using Xunit.Abstractions;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// The container page's trips (issue 13): a trip started through the API is listed with its reference and its report
/// links by trip; the operator ends it from the page (the token asked for first), sees the end time replace "in
/// progress", sees a refused start's reason from the API, and starts the next trip from the page by keyboard. A
/// container of its own (in range), so the other tests' containers are left as they expect them.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardTripsTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const string Container = "TRIPBOX1", Reference = "MAEU-BL-228811";
    private static readonly PageWaitForSelectorOptions Long = new() { Timeout = 60_000 };

    [Fact]
    public async Task The_container_page_lists_its_trips_with_their_reports_and_ends_and_starts_one()
    {
        // Readings from an hour before now (5 C, in pharma's range), the trip from then on: its report has data.
        await fleet.PublishAsync(FleetFixture.Fleet, Container, "tag-t", 36, 11, _ => 5.0);
        long id = await StartTripAsync(DateTimeOffset.FromUnixTimeMilliseconds(fleet.T0).AddHours(3), Reference);
        using (HttpClient http = Client())
        {
            await Poll.UntilAsync(async () => (await http.GetAsync(ReportOf(id) + "&format=json")).IsSuccessStatusCode,
                "the trip's report has the readings", TimeSpan.FromSeconds(60));
        }

        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, TimezoneId = "America/New_York",
        });
        IPage page = await context.NewPageAsync();
        List<string> errors = [];
        page.PageError += (_, e) => errors.Add(e);
        string row = $"#trips tr[data-trip=\"{id}\"]";
        string step = "open the container page";
        try
        {
            await page.GotoAsync($"{fleet.Gateway.BaseUrl}/#/c/{FleetFixture.Fleet}/{Container}");
            await page.WaitForSelectorAsync("main[data-loaded=\"true\"]", Long);

            step = "see the trip with its reference, in progress, and its reports by trip";
            await page.WaitForSelectorAsync($"{row}[data-state=\"open\"]", Long);
            Assert.Equal(Reference, await page.InnerTextAsync($"{row} .reference"));
            Assert.Contains("in progress", await page.InnerTextAsync($"{row} .end"));
            Assert.Contains("pharma_2_8", await page.InnerTextAsync(row));
            Assert.EndsWith(" UTC", await page.GetAttributeAsync($"{row} .start time", "title"));
            string? html = await page.GetAttributeAsync($"{row} a.trip-html", "href");
            Assert.Equal(ReportOf(id) + "&format=html", html);
            Assert.Contains($"trip={id}&format=csv", await page.GetAttributeAsync($"{row} a.trip-csv", "href"));
            Assert.Contains($"trip={id}&format=json", await page.GetAttributeAsync($"{row} a.trip-json", "href"));
            IAPIResponse report = await page.APIRequest.GetAsync(fleet.Gateway.BaseUrl + html);
            Assert.True(report.Status == 200, $"the HTML report link answers {report.Status}: {await report.TextAsync()}");
            Assert.Contains(Reference, await report.TextAsync());

            step = "be asked for the token before ending";
            await page.ClickAsync($"{row} button.trip-end");
            Assert.Contains("operator token", await page.InnerTextAsync("#trip-msg"));
            Assert.Equal("open", await page.GetAttributeAsync(row, "data-state"));

            step = "end the trip from the page with the token, by keyboard";
            await page.FillAsync("#token", FleetFixture.Token);
            await page.ClickAsync("#token-form button");
            await page.FocusAsync($"{row} button.trip-end");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForSelectorAsync($"{row}[data-state=\"ended\"]", Long);
            Assert.DoesNotContain("in progress", await page.InnerTextAsync($"{row} .end"));
            Assert.EndsWith(" UTC", await page.GetAttributeAsync($"{row} .end time", "title"));
            Assert.Equal(0, await page.Locator("#trips button.trip-end").CountAsync());
            Assert.Contains($"Ended trip {id}", await page.InnerTextAsync("#trip-msg"));
            using (JsonDocument trip = await GetTripAsync(id))
            {
                Assert.Equal("ended", trip.RootElement.GetProperty("state").GetString());
            }

            step = "see a refused start's reason";
            await page.FillAsync("#trip-ref", "no*stars");
            await page.ClickAsync("#trip-start");
            await page.WaitForSelectorAsync("#trip-msg:has-text(\"Refused\")", Long);
            Assert.Contains("reference must be letters", await page.InnerTextAsync("#trip-msg"));
            Assert.Equal(1, await page.Locator("#trips tbody tr").CountAsync());

            step = "start the next trip from the page by keyboard";
            await page.FillAsync("#trip-ref", "NEXT-42");
            await page.FocusAsync("#trip-ref");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForSelectorAsync("#trips tbody tr:first-child[data-state=\"open\"]", Long);
            Assert.Equal("NEXT-42", await page.InnerTextAsync("#trips tbody tr:first-child .reference"));
            Assert.Equal(id.ToString(CultureInfo.InvariantCulture), await page.GetAttributeAsync("#trips tbody tr:nth-child(2)", "data-trip"));
            Assert.Equal(string.Empty, await page.InputValueAsync("#trip-ref"));

            string path = Path.Combine(DashboardSite.Artifacts(), "trips.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
            Assert.Empty(errors);
        }
        catch (Exception ex)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts(), "trips-failed.png"), FullPage = true });
            string gateway = fleet.Gateway.Output;
            throw new Xunit.Sdk.XunitException($"step '{step}' failed: {ex.Message}\nbrowser errors: {string.Join("; ", errors)}\n"
                + $"gateway:\n{(gateway.Length > 4000 ? gateway[^4000..] : gateway)}");
        }
    }

    private static string ReportOf(long id) => $"/api/v1/containers/{Container}/report?fleet={FleetFixture.Fleet}&trip={id}";

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = new Uri(fleet.Gateway.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FleetFixture.Token);
        return http;
    }

    private async Task<long> StartTripAsync(DateTimeOffset start, string reference)
    {
        using HttpClient http = Client();
        string body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["start"] = start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), ["reference"] = reference,
        });
        using HttpResponseMessage response = await http.PostAsync($"/api/v1/containers/{Container}/trips?fleet={FleetFixture.Fleet}",
            new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"starting the trip answered {(int)response.StatusCode}: {text}");
        using JsonDocument trip = JsonDocument.Parse(text);
        return trip.RootElement.GetProperty("id").GetInt64();
    }

    private async Task<JsonDocument> GetTripAsync(long id)
    {
        using HttpClient http = Client();
        string text = await http.GetStringAsync($"/api/v1/containers/{Container}/trips/{id}?fleet={FleetFixture.Fleet}");
        return JsonDocument.Parse(text);
    }
}
