using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using TagSimulator;
using TagSimulator.Fleet;
using TagSimulator.Models;
using TagSimulator.Uplink;
using Xunit.Abstractions;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// The pressure chart shades the air legs the gateway finds (the rules' detector, through <c>/legs</c>) for the tag
/// simulator's air-leg scenario container (<c>--scenarios</c>): 12 h of its voyage sent through the broker at full speed.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class DashboardAirLegTests(FleetFixture fleet, ITestOutputHelper output)
{
    private const string AirFleet = "airfleet";

    [Fact]
    public async Task The_pressure_chart_of_the_simulators_air_leg_container_shows_the_shaded_leg()
    {
        // 12 h of voyage ending about now; of the five scenario containers only the air leg's messages are sent.
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - (12 * 3_600_000L);
        var options = SimulatorOptions.Parse(["--fleet", AirFleet, "--tags", "5", "--duration", "12h", "--seed", "21", "--scenarios", "1",
            "--connections", "1"]);
        await using var mqtt = new MqttTransport("127.0.0.1", fleet.BrokerPort, options.Fleet, options.Connections, NullLoggerFactory.Instance);
        await mqtt.ConnectAsync(CancellationToken.None);
        int index = Array.FindIndex(new FleetSimulation(options, mqtt, start, recordManifest: false).Tags, t => t.Scenario.Kind == ScenarioKind.AirLeg);
        var sim = new FleetSimulation(options, new OnlyTagTransport(mqtt, index), start, recordManifest: false);
        VirtualTag air = sim.Tags[index];
        TimeWindow window = air.Scenario.AirLeg ?? throw new InvalidOperationException("the air-leg scenario has no leg");
        await Task.Run(() => sim.Run(CancellationToken.None));
        string container = air.Options.Container;
        output.WriteLine($"air leg container {container}: {DateTimeOffset.FromUnixTimeMilliseconds(window.StartMs):O} to {DateTimeOffset.FromUnixTimeMilliseconds(window.EndMs):O}");

        // The gateway has stored it all when the API finds the leg over the page's range (the last 24 h).
        using var http = new HttpClient();
        string url = string.Create(CultureInfo.InvariantCulture,
            $"{fleet.Gateway.BaseUrl}/api/v1/containers/{container}/legs?fleet={AirFleet}&from={DateTimeOffset.UtcNow.AddHours(-24):yyyy-MM-ddTHH:mm:ssZ}");
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement leg;
        while (true)
        {
            HttpResponseMessage response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                JsonElement[] legs = [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("legs").EnumerateArray()];
                if (legs.Length == 1 && legs[0].GetProperty("end").GetDateTimeOffset().ToUnixTimeMilliseconds() >= window.EndMs - 3_600_000)
                {
                    leg = legs[0];
                    break;
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no air leg of {container} from the API within 60 s");
            await Task.Delay(500);
        }
        // The detector's leg is the scenario's (within the tag's reading interval and the cabin climb).
        Assert.InRange(leg.GetProperty("start").GetDateTimeOffset().ToUnixTimeMilliseconds(), window.StartMs - 1_800_000, window.StartMs + 1_800_000);

        var (playwright, browser) = await Browser.LaunchAsync();
        using IPlaywright _ = playwright;
        await using IBrowser __ = browser;
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1400 } });
        List<string> errors = [];
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync($"{fleet.Gateway.BaseUrl}/#/c/{AirFleet}/{container}");
        await page.WaitForSelectorAsync("main[data-loaded=\"true\"]", new PageWaitForSelectorOptions { Timeout = 60_000 });
        ILocator pressure = page.Locator("#fig-p");
        await pressure.Locator("canvas").WaitForAsync();
        Assert.Equal("1", await pressure.GetAttributeAsync("data-legs"));
        Assert.True(int.Parse(await pressure.GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture) > 50, "the pressure is drawn");

        // Shaded: the canvas pixels in the middle of the drawn leg carry its blue tint, those left of it do not.
        string probe = """
            () => {
              const root = document.querySelector('#fig-p .uplot');
              const [x1, x2, top, bottom] = JSON.parse(root.dataset.legsDrawn)[0];
              const ctx = root.querySelector('canvas').getContext('2d');
              const y = Math.round((top + bottom) / 2); // between the cabin and the ground level lines
              const at = x => Array.from(ctx.getImageData(x, y, 1, 1).data);
              return [at(Math.round((x1 + x2) / 2)), at(Math.max(0, x1 - Math.round((x2 - x1) / 4)))];
            }
            """;
        int[][] pixels = await page.EvaluateAsync<int[][]>(probe);
        output.WriteLine($"pixel in the leg {string.Join(",", pixels[0])}, left of it {string.Join(",", pixels[1])}");
        Assert.True(pixels[0][2] > pixels[0][0] + 20, $"the leg is not shaded blue: {string.Join(",", pixels[0])}");
        Assert.False(pixels[1][2] > pixels[1][0] + 20, $"left of the leg is shaded: {string.Join(",", pixels[1])}");
        string path = Path.Combine(DashboardSite.Artifacts(), "air-leg-pressure.png");
        await pressure.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        output.WriteLine($"screenshot: {path}");
        Assert.Empty(errors);
    }
}
