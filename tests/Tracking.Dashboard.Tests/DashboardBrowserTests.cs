using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// The operator's path through the dashboard in chromium, against the real gateway fed through mosquitto and influxd:
/// the fleet shows the container in excursion, its page shows the chart with points and the profile's band, the alert
/// is acknowledged there and a second page sees it change without a reload, as it sees the container's state go back to
/// ok when the temperature recovers; the trip report link is there (and downloads when the gateway has the endpoint).
/// Screenshots of each step go to the test results folder; any failed step fails the test (with a screenshot).
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardBrowserTests(FleetFixture fleet, ITestOutputHelper output)
{
    private static readonly PageWaitForSelectorOptions Long = new() { Timeout = 60_000 };

    private readonly string _artifacts = DashboardSite.Artifacts();

    private async Task ShotAsync(IPage page, string name)
    {
        string path = Path.Combine(_artifacts, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    [Fact]
    public async Task An_operator_finds_the_excursion_acknowledges_it_and_a_second_page_follows_live()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, AcceptDownloads = true, TimezoneId = "Europe/Berlin",
        });
        IPage page = await context.NewPageAsync();
        List<string> errors = [];
        page.PageError += (_, e) => errors.Add(e);
        string box = $"[data-container=\"{FleetFixture.Excursion}\"]";
        string step = "open the fleet";
        try
        {
            await page.GotoAsync(fleet.Gateway.BaseUrl + "/");
            step = "find the container in excursion";
            await page.WaitForSelectorAsync($".grid a.row{box}[data-state=\"excursion\"]", Long);
            Assert.Equal("1", await page.InnerTextAsync(".count[data-state=\"excursion\"] strong"));
            await page.WaitForSelectorAsync(".grid a.row[data-container=\"OKBOX3\"]", Long);
            await page.FillAsync("#q", "CSQU");
            Assert.Equal(1, await page.Locator(".grid a.row").CountAsync()); // the filter leaves the one box
            await ShotAsync(page, "1-fleet");

            step = "keep the operator token";
            await page.FillAsync("#token", FleetFixture.Token);
            await page.ClickAsync("#token-form button");

            step = "open the container";
            await page.ClickAsync($".grid a.row{box}");
            await page.WaitForSelectorAsync("main[data-loaded=\"true\"]", Long);
            Assert.EndsWith($"#/c/{FleetFixture.Fleet}/{FleetFixture.Excursion}", page.Url);
            step = "see its chart with points and the band";
            ILocator temp = page.Locator("#fig-temp");
            await temp.Locator("canvas").WaitForAsync();
            int points = int.Parse(await temp.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture);
            Assert.True(points >= 20, $"the temperature chart shows {points} buckets; 33 readings were sent");
            Assert.True(int.Parse(await temp.GetAttributeAsync("data-bands") ?? "0", CultureInfo.InvariantCulture) >= 1,
                "pharma_2_8's bands are shaded on the chart");
            // Readings 3 to 5 were lost: the line breaks there, into two runs, instead of joining across the gap.
            Assert.Equal("2", await temp.GetAttributeAsync("data-segments"));
            Assert.True(int.Parse(await temp.GetAttributeAsync("data-excursions") ?? "0", CultureInfo.InvariantCulture) >= 1,
                "the rules' excursion is marked on the chart");
            await page.WaitForSelectorAsync("#alerts li.alert[data-state=\"open\"]", Long);
            await ShotAsync(page, "2-container");

            step = "open a second page on the container";
            IPage second = await context.NewPageAsync();
            second.PageError += (_, e) => errors.Add(e);
            await second.GotoAsync(page.Url);
            await second.WaitForSelectorAsync("main[data-loaded=\"true\"]", Long);
            await second.WaitForSelectorAsync("#alerts li.alert[data-state=\"open\"]", Long);
            await second.WaitForSelectorAsync("#live[data-status=\"live\"]", Long);
            await second.EvaluateAsync("() => { window.__sameDocument = true; }");

            step = "acknowledge the alert";
            ILocator form = page.Locator("#alerts li.alert[data-state=\"open\"] form.ack-form").First;
            await form.Locator("input[name=by]").FillAsync("ann");
            await form.Locator("input[name=note]").FillAsync("door was open, closed it");
            await form.Locator("button").ClickAsync();
            await page.WaitForSelectorAsync("#alerts li.alert[data-state=\"acknowledged\"]", Long);

            step = "see the acknowledgement live in the second page";
            await second.WaitForSelectorAsync("#alerts li.alert[data-state=\"acknowledged\"]:has-text(\"ann\")", Long);
            Assert.True(await second.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the second page was reloaded");
            await ShotAsync(second, "3-second-page-acknowledged");

            step = "see the state leave excursion live when the temperature recovers";
            Assert.Contains("s-excursion", await second.GetAttributeAsync("#state .state", "class"));
            await fleet.PublishAsync(FleetFixture.Fleet, FleetFixture.Excursion, FleetFixture.ExcursionTag, 36, 9, _ => 5.0);
            // Back in range: the alert resolves and the state leaves excursion (ok, or warning if a trend is still in force).
            await second.WaitForSelectorAsync("#state .state:not(.s-excursion)", Long);
            Assert.True(await second.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the second page was reloaded");
            await ShotAsync(second, "4-second-page-ok");

            step = "download the trip report";
            string? csv = await page.GetAttributeAsync("#report-csv", "href");
            Assert.Contains($"/api/v1/containers/{FleetFixture.Excursion}/report?fleet={FleetFixture.Fleet}&from=", csv);
            Assert.Contains("format=csv", csv);
            Assert.Contains("format=html", await page.GetAttributeAsync("#report-html", "href"));
            IDownload download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-csv"));
            string saved = Path.Combine(_artifacts, "trip-report.csv");
            await download.SaveAsAsync(saved);
            Assert.True(new FileInfo(saved).Length > 0, "the CSV report is empty");
            output.WriteLine($"trip report: {saved}");

            Assert.Empty(errors);
        }
        catch (Exception ex)
        {
            await ShotAsync(page, "failed");
            throw new Xunit.Sdk.XunitException($"step '{step}' failed: {ex.Message}\nbrowser errors: {string.Join("; ", errors)}\ngateway:\n{Tail(fleet.Gateway.Output)}");
        }
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;
}
