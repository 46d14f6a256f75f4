using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Tracking.Mqtt;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>
/// A broker that does exactly what a test scripts, byte by byte: for behaviour no real broker shows on
/// demand (hostile packets, a session whose acknowledgement never came).
/// </summary>
internal sealed class ScriptedBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ScriptedBroker() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task<Connection> AcceptAsync()
    {
        var socket = await _listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new Connection(socket);
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        return ValueTask.CompletedTask;
    }

    internal sealed class Connection(Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private byte[] _pending = [];

        public async Task<(MqttPacketType Type, byte Flags, byte[] Body)> ReadPacketAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                if (MqttFixedHeader.TryRead(new ReadOnlySequence<byte>(_pending), 1 << 20, out byte first, out int head, out int body)
                    && _pending.Length >= head + body)
                {
                    var bytes = _pending[head..(head + body)];
                    _pending = _pending[(head + body)..];
                    return ((MqttPacketType)(first >> 4), (byte)(first & 0xF), bytes);
                }
                var buffer = new byte[4096];
                int n = await _stream.ReadAsync(buffer, cts.Token);
                if (n == 0) throw new EndOfStreamException("the client closed the connection");
                _pending = [.. _pending, .. buffer[..n]];
            }
        }

        /// <summary>Reads until the client closes; returns the packets it sent before.</summary>
        public async Task<List<(MqttPacketType Type, byte[] Body)>> ReadUntilClosedAsync()
        {
            var list = new List<(MqttPacketType, byte[])>();
            try
            {
                while (true)
                {
                    var p = await ReadPacketAsync();
                    list.Add((p.Type, p.Body));
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException) { return list; }
        }

        public Task SendAsync(params byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

        public void Dispose() => _stream.Dispose();
    }
}
