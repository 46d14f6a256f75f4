using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// A private broker and influxd per test (free ports on 127.0.0.1, stopped afterwards), a spool directory of its own,
/// and the gateway's command line pointing at them: what every end-to-end test class starts from. The broker is
/// mosquitto unless the class picks MQTTnet's in-process server (<see cref="BrokerKind"/>).
/// </summary>
public abstract class RealServersTest : IAsyncLifetime
{
    protected const string Db = "tracking";

    protected ITestBroker Broker { get; private set; } = null!;

    /// <summary>The broker as mosquitto, for what only mosquitto has (TLS listener, password file).</summary>
    protected MosquittoServer Mosquitto => Broker as MosquittoServer ?? throw new InvalidOperationException("this test needs mosquitto");
    protected InfluxdServer Influxd { get; private set; } = null!;
    protected string SpoolDir { get; } = Path.Combine(Path.GetTempPath(), "tracking-tests", "gw-" + Guid.NewGuid().ToString("N"));

    /// <summary>Which broker this class runs against.</summary>
    protected virtual TestBrokerKind BrokerKind => TestBrokerKind.Mosquitto;

    /// <summary>How mosquitto is configured (users, TLS); the defaults when null.</summary>
    protected virtual MosquittoOptions? BrokerOptions => null;

    public async Task InitializeAsync()
    {
        Broker = BrokerKind == TestBrokerKind.MqttNet
            ? await MqttNetBroker.StartAsync()
            : await MosquittoServer.StartAsync(BrokerOptions);
        Influxd = await InfluxdServer.StartAsync();
        await Influxd.CreateDatabaseAsync(Db);
    }

    public virtual async Task DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Influxd.DisposeAsync();
        try { Directory.Delete(SpoolDir, true); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>The gateway's flags for these servers (InfluxDB 1.x API, HTTP on a free port, short retry delays).</summary>
    protected string[] GatewayArgs(string clientId) =>
    [
        "--mqtt-url", $"mqtt://127.0.0.1:{Broker.Port}", "--influx-url", Influxd.Url.ToString(), "--influx-db", Db,
        "--influx-version", "1", "--spool-dir", SpoolDir, "--http-url", "http://127.0.0.1:0", "--mqtt-client-id", clientId,
        "--Influx:Retry:MaxDelay=00:00:01",
    ];

    /// <summary>Starts the gateway in this process and waits until its pipeline runs.</summary>
    protected static async Task<(WebApplication App, GatewayService Service)> StartInProcessAsync(string[] args,
        Action<IServiceCollection>? services = null)
    {
        var app = GatewayApp.Build(args, services);
        await app.StartAsync();
        var service = app.Services.GetRequiredService<GatewayService>();
        await service.Started.WaitAsync(TimeSpan.FromSeconds(30));
        return (app, service);
    }

    /// <summary>A connected publisher with a client id of its own.</summary>
    protected async Task<MqttClient> PublisherAsync()
    {
        var client = new MqttClient(new MqttClientOptions { Port = Broker.Port, ClientId = "pub-" + Guid.NewGuid().ToString("N")[..8] });
        await client.ConnectAsync();
        return client;
    }
}
