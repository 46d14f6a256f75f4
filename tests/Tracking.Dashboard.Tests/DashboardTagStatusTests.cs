using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// A tag's status message reaches open pages live (the stream's <c>tag_status</c> event): the fleet table's battery and
/// the container page's tag table change without a reload.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardTagStatusTests(FleetFixture fleet, ITestOutputHelper output)
{
    private static readonly PageWaitForSelectorOptions Long = new() { Timeout = 60_000 };

    [Fact]
    public async Task A_status_message_updates_the_fleet_table_and_the_container_page_without_a_reload()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        List<string> errors = [];
        IPage list = await context.NewPageAsync();
        list.PageError += (_, e) => errors.Add(e);
        await list.GotoAsync(fleet.Gateway.BaseUrl + "/");
        const string Row = ".grid a.row[data-container=\"OKBOX2\"]";
        await list.WaitForSelectorAsync(Row, Long);
        await list.WaitForSelectorAsync("#live[data-status=\"live\"]", Long);
        IPage detail = await context.NewPageAsync();
        detail.PageError += (_, e) => errors.Add(e);
        await detail.GotoAsync($"{fleet.Gateway.BaseUrl}/#/c/{FleetFixture.Fleet}/OKBOX2");
        await detail.WaitForSelectorAsync("main[data-loaded=\"true\"]", Long);
        await detail.WaitForSelectorAsync("#live[data-status=\"live\"]", Long);
        foreach (IPage p in new[] { list, detail }) await p.EvaluateAsync("() => { window.__sameDocument = true; }");

        await fleet.PublishStatusAsync(FleetFixture.Fleet, "OKBOX2", "tag-2", 3.42, -71, 17, "9.8.7");

        await list.WaitForSelectorAsync($"{Row} .c-battery:has-text(\"3.42\")", Long);
        await detail.WaitForSelectorAsync("#tags tr[data-tag=\"tag-2\"] td.battery:has-text(\"3.42\")", Long);
        string rowText = await detail.InnerTextAsync("#tags tr[data-tag=\"tag-2\"]");
        Assert.Contains("-71", rowText);
        Assert.Contains("17", rowText);
        Assert.Contains("9.8.7", rowText);
        Assert.Contains("900", rowText);
        foreach (IPage p in new[] { list, detail })
        {
            Assert.True(await p.EvaluateAsync<bool>("() => window.__sameDocument === true"), "a page was reloaded");
        }
        string path = Path.Combine(DashboardSite.Artifacts(), "tag-status-live.png");
        await detail.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        Assert.Empty(errors);
    }
}
