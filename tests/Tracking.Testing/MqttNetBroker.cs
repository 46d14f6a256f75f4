using System.Net;
using MQTTnet.Server;
using Tracking.Testing.Probes;

namespace Tracking.Testing;

/// <summary>
/// MQTTnet's MQTT server in this process on 127.0.0.1 and a free port: an independent broker implementation that needs
/// no install, so the fast suite runs the gateway's end-to-end tests without a broker process. Sessions live in
/// memory and survive <see cref="StopAsync"/>/<see cref="StartAgainAsync"/> only as far as MQTTnet keeps them.
/// MQTTnet has no shared subscriptions and says so in CONNACK (Shared Subscription Available = 0).
/// </summary>
public sealed class MqttNetBroker : ITestBroker
{
    private readonly MqttServer _server;

    private MqttNetBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public static async Task<MqttNetBroker> StartAsync(CancellationToken ct = default)
    {
        int port = FreePort.Get();
        var factory = new MqttServerFactory();
        MqttServerOptions options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .WithPersistentSessions()
            .Build();
        var broker = new MqttNetBroker(factory.CreateMqttServer(options), port);
        await broker.StartAgainAsync(ct).ConfigureAwait(false);
        return broker;
    }

    public Task StopAsync() => _server.StopAsync();

    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        await _server.StartAsync().ConfigureAwait(false);
        if (!await MqttConnectProbe.AnswersAsync(Host, Port, ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"MQTTnet server on {Host}:{Port} does not answer CONNECT");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsStarted) await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }
}
