using Microsoft.Playwright;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// New readings reach the fleet table live through the stream's batched <c>readings</c> events (docs/api.md): the
/// temperature of each container in a batch changes, and a container first seen gets a row, without a reload.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardLiveReadingTests(FleetFixture fleet)
{
    private static readonly PageWaitForSelectorOptions Long = new() { Timeout = 60_000 };

    [Fact]
    public async Task Readings_of_several_containers_update_the_fleet_table_without_a_reload()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        List<string> errors = [];
        IPage list = await context.NewPageAsync();
        list.PageError += (_, e) => errors.Add(e);
        await list.GotoAsync(fleet.Gateway.BaseUrl + "/");
        await list.WaitForSelectorAsync(".grid a.row[data-container=\"OKBOX1\"]", Long);
        await list.WaitForSelectorAsync("#live[data-status=\"live\"]", Long);
        await list.EvaluateAsync("() => { window.__sameDocument = true; }");

        // Later than the fixture's readings (36 to 43), inside pharma's band; a container the list has not seen yet.
        await fleet.PublishAsync(FleetFixture.Fleet, "OKBOX1", "tag-1", 50, 1, _ => 6.3);
        await fleet.PublishAsync(FleetFixture.Fleet, "OKBOX2", "tag-2", 50, 2, i => i == 50 ? 3.1 : 3.4);
        await fleet.PublishAsync(FleetFixture.Fleet, "LIVEBOX7", "tag-7", 50, 1, _ => 4.6);

        await list.WaitForSelectorAsync(".grid a.row[data-container=\"OKBOX1\"] .c-temp .now:has-text(\"6.3\")", Long);
        await list.WaitForSelectorAsync(".grid a.row[data-container=\"OKBOX2\"] .c-temp .now:has-text(\"3.4\")", Long);
        await list.WaitForSelectorAsync(".grid a.row[data-container=\"LIVEBOX7\"] .c-temp .now:has-text(\"4.6\")", Long);
        Assert.True(await list.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        Assert.Empty(errors);
    }
}
