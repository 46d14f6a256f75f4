using System.Net;
using System.Net.Sockets;

namespace Tracking.Testing;

/// <summary>
/// A loopback TCP forwarder placed between a client and a server so tests can cut or freeze the path:
/// <see cref="Freeze"/> stops moving bytes on the open connections while keeping them open (a dead peer
/// behind a NAT), <see cref="DropAll"/> resets them (a pulled cable). New connections always work.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Client, Socket Server, CancellationTokenSource Frozen)> _pairs = [];
    private readonly Task _acceptLoop;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    public int ConnectionCount { get { lock (_pairs) return _pairs.Count; } }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) { return; }
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try { await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token); }
            catch (Exception)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            var frozen = new CancellationTokenSource();
            lock (_pairs) _pairs.Add((client, server, frozen));
            _ = PumpAsync(client, server, frozen.Token);
            _ = PumpAsync(server, client, frozen.Token);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken frozen)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, frozen);
                if (n == 0) break;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, frozen);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException)
        {
            // Frozen: leave both sockets open and silent.
        }
        catch (Exception)
        {
            try { to.Close(0); } catch (Exception) { }
        }
    }

    /// <summary>Stops forwarding on every open connection without closing it.</summary>
    public void Freeze()
    {
        lock (_pairs)
            foreach (var p in _pairs) p.Frozen.Cancel();
    }

    /// <summary>Resets every open connection.</summary>
    public void DropAll()
    {
        lock (_pairs)
        {
            foreach (var p in _pairs)
            {
                p.Frozen.Cancel();
                p.Client.Close(0);
                p.Server.Close(0);
            }
            _pairs.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        try { await _acceptLoop; } catch (Exception) { }
    }
}
