using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Uplink;
using Tracking.Testing;
using Tracking.Testing.EndToEnd;
using Xunit.Abstractions;

namespace TagSimulator.Tests;

/// <summary>
/// Trips end to end (docs/api.md "Trips"): through real mosquitto, the gateway as a child process (rules on pharma_2_8,
/// state in its SQLite file) and real influxd. A trip of the compressor-failure container is started through the API before
/// its voyage, a second one half-way (ending the first); the simulator's readings land in the trip of their device time:
/// the engine's excursions carry the trip their start is in, the summary names the trip in progress, and the report of each
/// trip covers exactly it: together the two hold every reading of the container.
/// </summary>
public sealed class TripEndToEndTests : IAsyncLifetime
{
    private const string Fleet = "trips-e2e";
    private const string Token = "trips-e2e-token-0123456789";
    private readonly string _tokens = Path.Combine(Path.GetTempPath(), "tracking-tests", "trips-e2e-tokens-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _log;
    private GatewayRig _rig = null!;

    public TripEndToEndTests(ITestOutputHelper log) => _log = log;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_tokens)!);
        await File.WriteAllTextAsync(_tokens, Token + "\n");
        _rig = await GatewayRig.StartAsync("gw-trips-e2e", "--Rules:DefaultProfile=pharma_2_8", $"--Api:TokenFile={_tokens}");
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        File.Delete(_tokens);
    }

    private GatewayProcess Gateway => _rig.Gateway;

    [Fact]
    public async Task Readings_land_in_the_trip_of_their_device_time_and_each_trip_reports_its_own()
    {
        await Gateway.StartAsync();
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - (12 * 3_600_000L);
        long half = start + (6 * 3_600_000L);
        var options = SimulatorOptions.Parse(["--fleet", Fleet, "--tags", "5", "--duration", "12h", "--seed", "21", "--scenarios", "1", "--connections", "2"]);
        await using var transport = new MqttTransport("127.0.0.1", _rig.Mqtt.Port, options.Fleet, options.Connections, NullLoggerFactory.Instance);
        await transport.ConnectAsync(CancellationToken.None);
        var sim = new FleetSimulation(options, transport, start, recordManifest: true);
        string box = sim.Tags.Single(t => t.Manifest!.Scenario!.Kind == ScenarioKind.CompressorFailure).Options.Container;

        // Before any data: the fleet is named (the container is not known yet).
        JsonElement first = await PostAsync($"/api/v1/containers/{box}/trips?fleet={Fleet}", $$"""{"start":"{{Iso(start)}}","reference":"BL-E2E-1"}""", 201);
        await Task.Run(() => sim.RunUntil(half, CancellationToken.None));
        JsonElement second = await PostAsync($"/api/v1/containers/{box}/trips", $$"""{"start":"{{Iso(half)}}","reference":"BL-E2E-2"}""", 201);
        await Task.Run(() => sim.Run(CancellationToken.None));
        FleetManifest manifest = sim.BuildManifest();
        long end = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds() / 1000 * 1000;
        await PostAsync($"/api/v1/containers/{box}/trips/current/end", $$"""{"end":"{{Iso(end)}}"}""", 200);
        long id1 = first.GetProperty("id").GetInt64(), id2 = second.GetProperty("id").GetInt64();

        JsonElement trips = await GetAsync($"/api/v1/containers/{box}/trips");
        Assert.Equal([(id2, half, end), (id1, start, half)], trips.EnumerateArray().Select(t =>
            (t.GetProperty("id").GetInt64(), t.GetProperty("start").GetDateTimeOffset().ToUnixTimeMilliseconds(),
             t.GetProperty("end").GetDateTimeOffset().ToUnixTimeMilliseconds())));

        // Every reading evaluated (the summary's last reading is the manifest's last), then each excursion is its start's trip's.
        TagManifest tag = Assert.Single(manifest.Tags, t => t.Container == box);
        long lastMs = tag.Readings.Where(r => r.TimeMs is not null).Max(r => r.TimeMs!.Value);
        JsonElement summary = await WaitAsync($"/api/v1/containers/{box}/summary",
            s => s.GetProperty("tags")[0].GetProperty("last_reading").GetDateTimeOffset().ToUnixTimeMilliseconds() == lastMs);
        JsonElement stream = summary.GetProperty("tags")[0];
        Assert.Equal(id2, stream.GetProperty("trip").GetInt64());
        JsonElement[] excursions = [.. stream.GetProperty("excursions").EnumerateArray()];
        Assert.NotEmpty(excursions); // the compressor failure
        foreach (JsonElement e in excursions)
        {
            long at = e.GetProperty("start").GetDateTimeOffset().ToUnixTimeMilliseconds();
            Assert.Equal(at < half ? id1 : id2, e.GetProperty("trip").GetInt64());
        }

        // Each trip's report covers it; together they hold every reading the container sent (all of them in the trips).
        JsonElement report1 = await GetAsync($"/api/v1/containers/{box}/report?trip={id1}");
        JsonElement report2 = await GetAsync($"/api/v1/containers/{box}/report?trip={id2}");
        Assert.Equal((id1, "BL-E2E-1", start, half), Range(report1));
        Assert.Equal((id2, "BL-E2E-2", half, end), Range(report2));
        int readings1 = report1.GetProperty("readings").GetInt32(), readings2 = report2.GetProperty("readings").GetInt32();
        Assert.True(readings1 > 0 && readings2 > 0, $"{readings1} and {readings2} readings");
        Assert.Equal(tag.Readings.Count, readings1 + readings2);
        Assert.Equal(tag.Readings.Count(r => r.TimeMs is { } t && t < half), readings1);
        _log.WriteLine($"{box}: trip {id1} {readings1} readings, trip {id2} {readings2}; {excursions.Length} excursions");
    }

    private static (long, string?, long, long) Range(JsonElement report) =>
        (report.GetProperty("trip_id").GetInt64(), report.GetProperty("trip_reference").GetString(),
         report.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds(), report.GetProperty("to").GetDateTimeOffset().ToUnixTimeMilliseconds());

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private async Task<JsonElement> PostAsync(string url, string body, int status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway.Url(url)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using HttpResponseMessage response = await Gateway.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        using HttpResponseMessage response = await Gateway.Http.GetAsync(Gateway.Url(url));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<JsonElement> WaitAsync(string url, Func<JsonElement, bool> done)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using HttpResponseMessage response = await Gateway.Http.GetAsync(Gateway.Url(url));
            if (response.IsSuccessStatusCode)
            {
                JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                if (done(body)) return body;
            }
            Assert.True(DateTime.UtcNow < until, $"{url} never as expected: {await response.Content.ReadAsStringAsync()}\n{Gateway.Output}");
            await Task.Delay(200);
        }
    }
}
