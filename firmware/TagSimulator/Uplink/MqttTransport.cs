using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tracking.Mqtt;

namespace TagSimulator.Uplink;

/// <summary>
/// A small pool of Tracking.Mqtt connections shared by all virtual tags of the process (tag i uses
/// connection i mod N). Simplification: a per-tag will cannot be expressed on a shared connection, so
/// the simulated tags have none; they publish their retained status (online) at the end of every
/// session like real tags, and a real tag's will is only published when a session breaks off, which
/// the simulator does not model. Each connection subscribes once to the fleet's config topics so the
/// retained configs are at hand when a tag "subscribes".
/// </summary>
public sealed class MqttTransport : IBrokerTransport, IAsyncDisposable
{
    private readonly MqttClient[] _clients;
    private readonly string _configFilter;
    private readonly ConcurrentDictionary<string, byte[]> _retained = new();
    private readonly List<Task> _readers = [];

    public MqttTransport(string host, int port, string fleet, int connections, ILoggerFactory loggerFactory, BrokerSecurity? security = null)
    {
        _configFilter = $"tracking/v1/{fleet}/+/+/config";
        _clients = new MqttClient[Math.Max(1, connections)];
        string prefix = $"tagsim.{fleet}.{Environment.ProcessId}.";
        for (int i = 0; i < _clients.Length; i++)
        {
            var options = new MqttClientOptions
            {
                Host = host,
                Port = port,
                ProtocolVersion = MqttProtocolVersion.V311, // what the tags speak (protocol section 9)
                ClientId = prefix + i,
                CleanStart = true,
                MaxInflight = 200,
            };
            (security ?? BrokerSecurity.None).Apply(options);
            _clients[i] = new MqttClient(options, loggerFactory.CreateLogger<MqttClient>());
        }
    }

    public bool IsConnected
    {
        get
        {
            foreach (var c in _clients)
            {
                if (!c.IsConnected) return false;
            }
            return true;
        }
    }

    public async Task ConnectAsync(CancellationToken ct)
    {
        foreach (var client in _clients)
        {
            await client.ConnectAsync(ct);
            await client.SubscribeAsync(_configFilter, MqttQos.AtLeastOnce, ct);
            _readers.Add(ReadAsync(client));
        }
    }

    private async Task ReadAsync(MqttClient client)
    {
        try
        {
            await foreach (var message in client.Messages.ReadAllAsync())
            {
                _retained[message.Topic] = message.Payload.ToArray();
            }
        }
        catch (ObjectDisposedException)
        {
            // disposed while reading: the run is over
        }
    }

    public async Task<bool> PublishAsync(int tagIndex, string topic, byte[] payload, bool retain)
    {
        try
        {
            var result = await _clients[tagIndex % _clients.Length].PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain);
            return result.IsSuccess;
        }
        catch (Exception e) when (e is MqttPublishException or MqttNotConnectedException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    public byte[]? RetainedMessage(string topic) => _retained.TryGetValue(topic, out var p) ? p : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.DisconnectAsync();
            }
            catch (Exception e) when (e is MqttNotConnectedException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                // already gone
            }
            await client.DisposeAsync();
        }
        await Task.WhenAll(_readers);
    }
}
