using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// The gateway's own Program (the real composition) on WebApplicationFactory's TestServer, with a private mosquitto and
/// influxd (free ports, stopped afterwards), a temp spool directory and SQLite rule store, and a token file holding an
/// unlimited token and one limited to fleet north. Two containers have sent data with a low battery, one per fleet, so
/// each fleet has a container, readings in InfluxDB and an open <c>battery_low</c> alert (pharma_2_8's 3.4 V).
/// </summary>
public sealed class WafGateway : IAsyncLifetime
{
    public const string Full = "full-token-0123456789", North = "north-token-0123456789", Wrong = "wrong-token-0123456789";
    public const string NorthBox = "CSQU3054383", SouthBox = "MSKU1234565";
    private const string Db = "tracking";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "waf-" + Guid.NewGuid().ToString("N"));
    private MosquittoServer? _broker;
    private InfluxdServer? _influxd;
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>When the first readings were taken (device time, 5 minutes before the start).</summary>
    public DateTimeOffset T0 { get; private set; }

    public long NorthAlertId { get; private set; }

    public long SouthAlertId { get; private set; }

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _broker = await MosquittoServer.StartAsync();
        _influxd = await InfluxdServer.StartAsync();
        await _influxd.CreateDatabaseAsync(Db);
        string tokens = Path.Combine(_dir, "api-tokens");
        await File.WriteAllTextAsync(tokens, $"# operators\n{Full}\n{North} north\n");
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Url"] = $"mqtt://127.0.0.1:{_broker.Port}",
            ["Mqtt:ClientId"] = "gw-waf",
            ["Influx:Url"] = _influxd.Url.ToString(),
            ["Influx:Database"] = Db,
            ["Influx:Version"] = "1",
            ["Influx:Retry:MaxDelay"] = "00:00:01",
            ["Spool:Directory"] = Path.Combine(_dir, "spool"),
            ["Rules:Store:Kind"] = "sqlite",
            ["Rules:Store:SqlitePath"] = Path.Combine(_dir, "rules.db"),
            ["Rules:DefaultProfile"] = "pharma_2_8",
            ["Api:TokenFile"] = tokens,
        };
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings)));
        Http = _factory.CreateClient();
        // Subscribed before anything is published (a clean broker keeps nothing for a session that does not exist yet).
        await _factory.Services.GetRequiredService<GatewayService>().Started.WaitAsync(TimeSpan.FromSeconds(30));

        T0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await PublishAsync("north", NorthBox, 1, T0, 4.5);
        await PublishAsync("south", SouthBox, 1, T0, 6.5);

        DateTime end = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "/api/v1/alerts?state=open", Full);
            JsonElement[] alerts = [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()];
            long? Of(string fleet) => alerts.Where(a => a.GetProperty("fleet").GetString() == fleet && a.GetProperty("kind").GetString() == "battery_low")
                .Select(a => (long?)a.GetProperty("id").GetInt64()).FirstOrDefault();
            if (Of("north") is { } n && Of("south") is { } s)
            {
                (NorthAlertId, SouthAlertId) = (n, s);
                break;
            }
            Assert.True(DateTime.UtcNow < end, "a battery_low alert in each fleet");
            await Task.Delay(100);
        }

        // The container calls find a container's fleet among the rule store's saved states (Rules:StateSaveInterval, 1 s),
        // which may come a moment after the alert: wait for both, so that no test depends on that moment.
        foreach (string box in new[] { NorthBox, SouthBox })
        {
            end = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                using HttpResponseMessage summary = await SendAsync(HttpMethod.Get, $"/api/v1/containers/{box}/summary", Full);
                if (summary.IsSuccessStatusCode) break;
                Assert.True(DateTime.UtcNow < end, $"{box} known to the rules: {await summary.Content.ReadAsStringAsync()}");
                await Task.Delay(100);
            }
        }

        // The readings are in InfluxDB too (the /readings, /report and /legs calls read them there).
        end = DateTime.UtcNow.AddSeconds(30);
        while (!(await _influxd.QueryAsync("SELECT count(temp_c) FROM env", Db)).Contains("\"values\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < end, "the readings written to InfluxDB");
            await Task.Delay(100);
        }
    }

    /// <summary>One telemetry message of one reading at <paramref name="time"/>, battery 3.2 V.</summary>
    public async Task PublishAsync(string fleet, string container, long seq, DateTimeOffset time, double temp)
    {
        byte[] payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{time.ToUnixTimeMilliseconds()},\"bat\":3.2,\"r\":[[0,{temp},50,1013,0.1]]}}"));
        await using var client = new MqttClient(new MqttClientOptions { Port = _broker!.Port, ClientId = "pub-" + Guid.NewGuid().ToString("N")[..8] });
        await client.ConnectAsync();
        await client.PublishAsync($"tracking/v1/{fleet}/{container}/tag-{fleet}/telemetry", payload, MqttQos.AtLeastOnce);
    }

    /// <summary>A request with an optional bearer token and an optional JSON (or other) body.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token, string? body = null,
        string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        return Http.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
        if (_influxd is not null) await _influxd.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (DirectoryNotFoundException) { }
    }
}
