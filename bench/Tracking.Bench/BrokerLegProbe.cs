using System.Buffers.Text;
using Tracking.Mqtt;

namespace Tracking.Bench;

/// <summary>
/// The part of `ingest`'s latency that lies before the gateway: a second, plain subscriber (QoS 0, its own session, in
/// this process) of the run's telemetry topics records for each message the time from its publish (the reading's
/// timestamp, which the publisher stamps when it sends) to its delivery here. The gateway's subscription is a shared
/// one of the same broker, so this is the broker's and the publisher's share as another subscriber sees it, not the
/// gateway's own receipt; beside the end-to-end figure it tells a tail outside the gateway from one inside it.
/// </summary>
internal sealed class BrokerLegProbe : IAsyncDisposable
{
    private static ReadOnlySpan<byte> T0 => "\"t0\":"u8;

    private readonly MqttClient _client;
    private readonly List<double> _delays = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private BrokerLegProbe(MqttClient client) => _client = client;

    public static async Task<BrokerLegProbe> StartAsync(string host, int port, string fleet)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = host, Port = port, ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = "bench-probe-" + fleet + "-" + Environment.ProcessId,
        });
        var probe = new BrokerLegProbe(client);
        await client.ConnectAsync();
        await client.SubscribeAsync($"tracking/v1/{fleet}/+/+/telemetry", MqttQos.AtMostOnce);
        probe._loop = probe.ReceiveAsync();
        return probe;
    }

    private async Task ReceiveAsync()
    {
        try
        {
            await foreach (var m in _client.Messages.ReadAllAsync(_stop.Token))
            {
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                ReadOnlySpan<byte> payload = m.Payload.Span;
                int at = payload.IndexOf(T0);
                if (at >= 0 && Utf8Parser.TryParse(payload[(at + T0.Length)..], out long t0, out _)) _delays.Add(now - t0);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Stops receiving and returns the delays in ms, sorted.</summary>
    public async Task<List<double>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _delays.Sort();
        return _delays;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (Exception) { /* ending anyway */ }
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
