using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Tracking.Dashboard.Tests;

/// <summary>The fleet page by keyboard alone, in a narrow window: rows reached with the arrow keys, opened with Enter.</summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardKeyboardTests(FleetFixture fleet, ITestOutputHelper output)
{
    [Fact]
    public async Task In_a_narrow_window_the_keyboard_reaches_and_opens_a_container_and_times_show_utc_on_hover()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 420, Height = 800 } });
        await page.GotoAsync(fleet.Gateway.BaseUrl + "/");
        await page.WaitForSelectorAsync(".grid a.row[data-container=\"OKBOX3\"]", new PageWaitForSelectorOptions { Timeout = 60_000 });

        // Narrow: the fleet column is left out, and nothing makes the page scroll sideways.
        Assert.False(await page.IsVisibleAsync(".grid a.row .c-fleet"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            "the page is wider than a 420 px window");
        string path = Path.Combine(DashboardSite.Artifacts(), "narrow-fleet.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        output.WriteLine($"screenshot: {path}");

        // Sorted by state, the excursion comes first; the keyboard goes down one row and back, then opens it.
        await page.FocusAsync("#viewport");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.Equal("1", await page.EvaluateAsync<string>("() => document.activeElement.dataset.i"));
        await page.Keyboard.PressAsync("Home");
        Assert.Equal(FleetFixture.Excursion, await page.EvaluateAsync<string>("() => document.activeElement.dataset.container"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("main[data-loaded=\"true\"]", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.EndsWith($"#/c/{FleetFixture.Fleet}/{FleetFixture.Excursion}", page.Url);

        string? title = await page.GetAttributeAsync("#tags time", "title");
        Assert.EndsWith(" UTC", title);
    }
}
