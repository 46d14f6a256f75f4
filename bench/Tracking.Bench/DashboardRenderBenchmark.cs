using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Bench.BenchSupport;

namespace Tracking.Bench;

/// <summary>
/// First render of the dashboard's fleet page in Debian's chromium with N containers in the real gateway (fed one
/// reading each through mosquitto, stored in influxd): time from navigation to the first rows on screen (the page marks
/// it), and to every container loaded; then the time per frame while scrolling the virtualised table end to end.
/// Target (issue 13): first render < 1 s at 10,000 containers.
/// </summary>
public static class DashboardRenderBenchmark
{
    private const double TargetMs = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        int containers = IntOption(args, "--containers", 10_000), rounds = IntOption(args, "--rounds", 5);
        string dist = RepoPaths.Of("gateway", "dashboard", "dist");
        if (!File.Exists(Path.Combine(dist, "index.html")))
        {
            Console.Error.WriteLine($"the dashboard is not built ({dist}): npm ci && npm run build in gateway/dashboard");
            return 2;
        }
        string chromium = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } env ? env : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"no chromium at {chromium}: apt-get install -y chromium");
            return 2;
        }

        await using MosquittoServer mqtt = await MosquittoServer.StartAsync();
        await using InfluxdServer influx = await InfluxdServer.StartAsync();
        await influx.CreateDatabaseAsync("tracking");
        string spool = Path.Combine(Path.GetTempPath(), "tracking-bench", "dash-" + Guid.NewGuid().ToString("N"));
        int port = FreePort.Get();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[GatewayDll(), "--mqtt-url", $"mqtt://127.0.0.1:{mqtt.Port}", "--influx-url", influx.Url.ToString(),
            "--influx-db", "tracking", "--influx-version", "1", "--spool-dir", spool, "--http-url", $"http://127.0.0.1:{port}",
            "--mqtt-client-id", "gw-bench-dash", "--Ingest:StrictContainerIds=false", "--Rules:DefaultProfile=pharma_2_8",
            $"--Dashboard:Directory={dist}"]) psi.ArgumentList.Add(a);
        using var gateway = Process.Start(psi)!;
        gateway.OutputDataReceived += (_, _) => { };
        gateway.ErrorDataReceived += (_, _) => { };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            string baseUrl = $"http://127.0.0.1:{port}";
            using var http = new HttpClient();
            await WaitAsync(async () => (await http.GetAsync(baseUrl + "/healthz")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the gateway's start");

            var feed = Stopwatch.StartNew();
            await PublishFleetAsync(mqtt.Port, containers);
            await WaitAsync(async () => (await http.GetFromJsonAsync<JsonElement>(baseUrl + "/api/v1/containers?page_size=1")).GetProperty("total").GetInt32() >= containers,
                TimeSpan.FromMinutes(5), $"{containers} containers in the fleet list");
            Console.WriteLine(FormattableString.Invariant($"fleet of {containers} containers fed through mosquitto in {feed.Elapsed.TotalSeconds:0.0} s"));

            Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            });
            List<double> visible = [], loaded = [], frames = [];
            for (int round = 0; round < rounds; round++)
            {
                // A new context each round: a cold cache, as an operator's first visit.
                await using IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
                IPage page = await context.NewPageAsync();
                await page.GotoAsync(baseUrl + "/");
                await page.WaitForFunctionAsync("() => document.body.dataset.tableVisibleMs", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
                visible.Add(double.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.tableVisibleMs"), CultureInfo.InvariantCulture));
                await page.WaitForFunctionAsync($"() => document.getElementById('shown')?.textContent.startsWith('{containers} of {containers}')",
                    null, new PageWaitForFunctionOptions { Timeout = 120_000 });
                loaded.Add(await page.EvaluateAsync<double>("() => performance.now()"));
                // Scroll the whole table in 60 steps, one per frame: the mean time per frame (16.7 ms is 60 fps).
                frames.Add(await page.EvaluateAsync<double>("""
                    async () => {
                      const v = document.getElementById('viewport'), steps = 60, frame = () => new Promise(r => requestAnimationFrame(r));
                      await frame();
                      const t0 = performance.now();
                      for (let i = 1; i <= steps; i++) { v.scrollTop = (v.scrollHeight - v.clientHeight) * i / steps; await frame(); }
                      return (performance.now() - t0) / steps;
                    }
                    """));
            }

            double p50 = Median(visible);
            Console.WriteLine(FormattableString.Invariant(
                $"fleet page, {containers} containers, {rounds} cold loads in chromium: first rows visible p50 {p50:0} ms (max {visible.Max():0})"));
            Console.WriteLine(FormattableString.Invariant(
                $"all containers loaded p50 {Median(loaded):0} ms; scrolling end to end {Median(frames):0.0} ms per frame"));
            Console.WriteLine(FormattableString.Invariant($"target: first render < {TargetMs:0} ms: {(p50 < TargetMs ? "met" : "NOT met")}"));
            return 0;
        }
        finally
        {
            if (!gateway.HasExited) gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync();
            try { Directory.Delete(spool, true); } catch (DirectoryNotFoundException) { }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>One reading per container, ten fleets, a tenth of them at 9 C (excursion material), over one connection.</summary>
    private static async Task PublishFleetAsync(int port, int containers)
    {
        long t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        await using var client = new MqttClient(new MqttClientOptions { Port = port, ClientId = "bench-dash-pub" });
        await client.ConnectAsync();
        var pending = new List<Task>();
        for (int i = 0; i < containers; i++)
        {
            double temp = i % 10 == 0 ? 9.0 : 4.0 + (i % 7 * 0.3);
            byte[] payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{{\"v\":1,\"boot\":1,\"seq\":0,\"t0\":{t0},\"bat\":3.9,\"r\":[[0,{temp},55,1013,0.1]]}}"));
            pending.Add(client.PublishAsync($"tracking/v1/fleet{i % 10}/BENCH{i:D6}/tag-{i}/telemetry", payload, MqttQos.AtLeastOnce).AsTask());
            if (pending.Count >= 20) // the broker's default receive maximum
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }
        await Task.WhenAll(pending);
    }

    private static async Task WaitAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await done()) return;
            }
            catch (HttpRequestException)
            {
            }
            if (sw.Elapsed > timeout) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    private static string GatewayDll()
    {
        string dir = Path.GetDirectoryName(typeof(DashboardRenderBenchmark).Assembly.Location)!;
        string config = new DirectoryInfo(dir).Parent!.Name; // bin/<Configuration>/net10.0
        string dll = Path.Combine(RepoPaths.Root, "gateway", "Tracking.Gateway", "bin", config, "net10.0", "Tracking.Gateway.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the gateway first (the bench project builds it)", dll);
    }
}
