using System.Globalization;
using System.Text;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// A small fleet in a real gateway: private mosquitto and influxd, an operator token file, and the gateway process
/// serving the built dashboard, fed through the broker with one container in a temperature excursion (pharma_2_8: 9 C
/// for two hours) and three in range.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    public const string Token = "dashboard-test-token-0123456789";
    public const string Fleet = "fleet1", Excursion = "CSQU3054383", ExcursionTag = "tag-x";
    private const string Db = "tracking";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "dash-" + Guid.NewGuid().ToString("N"));
    private MosquittoServer? _broker;
    private InfluxdServer? _influxd;

    public GatewayUnderTest Gateway { get; private set; } = null!;

    /// <summary>The broker's port, for a test that publishes through a client of its own (the tag simulator).</summary>
    public int BrokerPort => _broker!.Port;

    /// <summary>The device time of reading 0; reading i is 5 minutes after reading i - 1.</summary>
    public long T0 { get; } = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - (4 * 3_600_000);

    public async Task InitializeAsync()
    {
        string dist = DashboardSite.Require();
        Directory.CreateDirectory(_dir);
        string tokens = Path.Combine(_dir, "api-tokens");
        await File.WriteAllTextAsync(tokens, "# operators\n" + Token + "\n");
        _broker = await MosquittoServer.StartAsync();
        _influxd = await InfluxdServer.StartAsync();
        await _influxd.CreateDatabaseAsync(Db);
        Gateway = GatewayUnderTest.Start(
            "--mqtt-url", $"mqtt://127.0.0.1:{_broker.Port}", "--influx-url", _influxd.Url.ToString(), "--influx-db", Db, "--influx-version", "1",
            "--spool-dir", Path.Combine(_dir, "spool"), "--mqtt-client-id", "gw-dash", "--api-token-file", tokens,
            "--Rules:DefaultProfile=pharma_2_8", "--Ingest:StrictContainerIds=false", $"--Dashboard:Directory={dist}",
            "--Influx:Retry:MaxDelay=00:00:01");
        await Gateway.WaitForHttpAsync(TimeSpan.FromSeconds(60));

        // 5 C for an hour, then 9 C (above pharma's 8 C, alarm after 30 min) for two hours; readings 3 to 5 lost (a gap).
        await PublishAsync(Fleet, Excursion, ExcursionTag, 0, 3, _ => 5.0);
        await PublishAsync(Fleet, Excursion, ExcursionTag, 6, 30, i => i < 12 ? 5.0 : 9.0);
        for (int n = 1; n <= 3; n++) await PublishAsync(n == 3 ? "fleet2" : Fleet, $"OKBOX{n}", $"tag-{n}", 36, 8, _ => 4.0 + n);

    }

    /// <summary>Publishes readings first .. first + count - 1 of a tag (temperature by index) as one telemetry message.</summary>
    public async Task PublishAsync(string fleet, string container, string tag, int first, int count, Func<int, double> temperature)
    {
        string readings = string.Join(",", Enumerable.Range(first, count).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{(i - first) * 300_000},{temperature(i)},55,1013,0.1]")));
        byte[] payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"boot\":1,\"seq\":{first},\"t0\":{T0 + (first * 300_000L)},\"bat\":3.9,\"r\":[{readings}]}}"));
        await using var client = new MqttClient(new MqttClientOptions { Port = _broker!.Port, ClientId = "pub-" + Guid.NewGuid().ToString("N")[..8] });
        await client.ConnectAsync();
        await client.PublishAsync($"tracking/v1/{fleet}/{container}/{tag}/telemetry", payload, MqttQos.AtLeastOnce);
    }

    /// <summary>Publishes a status message of a tag (docs/protocol.md 4.3), not retained.</summary>
    public async Task PublishStatusAsync(string fleet, string container, string tag, double battery, int rssi, int spool, string firmware)
    {
        byte[] payload = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"online\":true,\"fw\":\"{firmware}\",\"boot\":1,\"bat\":{battery},\"rssi\":{rssi},\"spool\":{spool},\"thinned\":0,\"life_d\":300,\"report_s\":900}}"));
        await using var client = new MqttClient(new MqttClientOptions { Port = _broker!.Port, ClientId = "pub-" + Guid.NewGuid().ToString("N")[..8] });
        await client.ConnectAsync();
        await client.PublishAsync($"tracking/v1/{fleet}/{container}/{tag}/status", payload, MqttQos.AtLeastOnce);
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (_broker is not null) await _broker.DisposeAsync();
        if (_influxd is not null) await _influxd.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (DirectoryNotFoundException) { }
    }
}
