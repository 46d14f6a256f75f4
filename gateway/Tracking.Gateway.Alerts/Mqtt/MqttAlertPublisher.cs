using Microsoft.Extensions.Logging;
using Tracking.Mqtt;

namespace Tracking.Gateway.Alerts.Mqtt;

/// <summary>
/// An <see cref="IAlertPublisher"/> on a connection of its own (the ingest connection belongs to GatewayService and
/// acknowledges manually): connected on first use and kept; the client reconnects and resends by itself.
/// </summary>
public sealed class MqttAlertPublisher : IAlertPublisher, IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly SemaphoreSlim _connect = new(1, 1);
    private bool _connected;
    private int _disposed;

    public MqttAlertPublisher(MqttClientOptions options, ILogger<MqttClient>? logger = null, TimeProvider? time = null)
    {
        _client = new MqttClient(options, logger, time);
    }

    public async ValueTask<string?> PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken ct)
    {
        await EnsureConnectedAsync(ct).ConfigureAwait(false);
        MqttPublishResult result = await _client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain, ct: ct).ConfigureAwait(false);
        return result.IsSuccess ? null : result.ReasonCode.ToString();
    }

    private async Task EnsureConnectedAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _connected)) return;
        await _connect.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_connected) return;
            // Retries until the broker answers: the sink's queue holds (and, when full, thins) the notifications meanwhile.
            await _client.ConnectWithRetryAsync(ct).ConfigureAwait(false);
            Volatile.Write(ref _connected, true);
        }
        finally
        {
            _connect.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_connected)
        {
            try
            {
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or MqttNotConnectedException or OperationCanceledException)
            {
                // Shutting down: a broker that is already gone needs no DISCONNECT.
            }
        }
        await _client.DisposeAsync().ConfigureAwait(false);
        _connect.Dispose();
    }
}
