using Microsoft.Playwright;

namespace Tracking.Dashboard.Tests;

/// <summary>The alerts page lists the fleet's alerts and filters them by state, fleet and severity.</summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardAlertsPageTests(FleetFixture fleet)
{
    private static readonly PageWaitForSelectorOptions Long = new() { Timeout = 60_000 };

    [Fact]
    public async Task The_alerts_page_filters_by_state_fleet_and_severity()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IPage page = await browser.NewPageAsync();
        string alert = $"#a-list li.alert:has(a[href=\"#/c/{FleetFixture.Fleet}/{FleetFixture.Excursion}\"])";

        // Every state: the excursion's alert, whatever the other tests did to it by now.
        await page.GotoAsync(fleet.Gateway.BaseUrl + "/#/alerts?state=");
        await page.WaitForSelectorAsync(alert, Long);
        Assert.Equal("", await page.InputValueAsync("#a-state"));

        await page.SelectOptionAsync("#a-sev", "critical"); // its band is an alarm, not critical
        await page.WaitForSelectorAsync("#a-list li:has-text(\"None.\")", Long);
        await page.SelectOptionAsync("#a-sev", "alarm");
        await page.WaitForSelectorAsync(alert, Long);

        await page.FillAsync("#a-fleet", "fleet2");
        await page.PressAsync("#a-fleet", "Tab"); // leaving the field commits it (change)
        await page.WaitForSelectorAsync("#a-list li:has-text(\"None.\")", Long);
        await page.FillAsync("#a-fleet", FleetFixture.Fleet);
        await page.PressAsync("#a-fleet", "Tab"); // leaving the field commits it (change)
        await page.WaitForSelectorAsync(alert, Long);

        // The state filter goes to the API: the alert is under its own state and not under another.
        string state = await page.GetAttributeAsync(alert, "data-state") ?? "";
        string other = state == "resolved" ? "open" : "resolved";
        await page.SelectOptionAsync("#a-state", other);
        await page.WaitForSelectorAsync("#a-list li:has-text(\"None.\")", Long);
        await page.SelectOptionAsync("#a-state", state);
        await page.WaitForSelectorAsync(alert, Long);
    }
}
