using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Mqtt;

namespace Tracking.Chaos.Tests;

/// <summary>
/// An MQTT client of its own beside the fleet's (its own client id, so it takes no tag connection over): what the
/// duplicate storm and the poison flood send with, QoS 1 with up to 200 in flight.
/// </summary>
public sealed class SidePublisher : IAsyncDisposable
{
    private readonly MqttClient _client;

    private SidePublisher(MqttClient client) => _client = client;

    public static async Task<SidePublisher> ConnectAsync(int port, string clientId)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = clientId,
            CleanStart = true,
            MaxInflight = 200,
        }, NullLogger<MqttClient>.Instance);
        await client.ConnectAsync();
        return new SidePublisher(client);
    }

    /// <summary>Publishes every message (in order, up to the in-flight window at once) and returns how many got a PUBACK.</summary>
    public async Task<int> PublishAllAsync(IEnumerable<(string Topic, byte[] Payload)> messages)
    {
        var pending = new List<Task<bool>>();
        foreach ((string topic, byte[] payload) in messages) pending.Add(PublishAsync(topic, payload));
        bool[] acked = await Task.WhenAll(pending);
        return acked.Count(a => a);
    }

    public async Task<bool> PublishAsync(string topic, byte[] payload)
    {
        try
        {
            return (await _client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain: false)).IsSuccess;
        }
        catch (Exception e) when (e is MqttPublishException or MqttNotConnectedException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _client.DisconnectAsync(); }
        catch (Exception e) when (e is MqttNotConnectedException or ObjectDisposedException or OperationCanceledException or IOException) { }
        await _client.DisposeAsync();
    }
}
