using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Tracking.Chaos.Tests;

/// <summary>
/// A TCP fault proxy on loopback between the gateway and a server (broker or InfluxDB). Its faults, each until
/// <see cref="Pass"/>:
/// <list type="bullet">
/// <item><see cref="DelayBy"/>: every chunk reaches the other side that much later (latency, not a bandwidth cap).</item>
/// <item><see cref="BlackHole"/>: nothing moves, no connection is closed, new connections are accepted and hang (a
///   routing black hole: TCP would retransmit until the path is back, so the held bytes go on after <see cref="Pass"/>).</item>
/// <item><see cref="Cut"/>: every open connection is reset and new ones are reset as soon as they are accepted (the server
///   unreachable).</item>
/// </list>
/// <see cref="Reset"/> resets the open connections once (a NAT or firewall dropping state) and lets new ones through.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Socket Client, Socket Server)> _pairs = [];
    private readonly Task _acceptLoop;
    private readonly Lock _sync = new();
    private TaskCompletionSource _flowing = NewGate(open: true);
    private TimeSpan _delay;
    private bool _cut;

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far (a reconnect after a fault shows as one more).</summary>
    public int Accepted { get; private set; }

    /// <summary>Ends every fault: bytes flow (the held ones first), no delay, connections accepted.</summary>
    public void Pass()
    {
        lock (_sync)
        {
            _delay = TimeSpan.Zero;
            _cut = false;
            _flowing.TrySetResult();
        }
    }

    public void DelayBy(TimeSpan delay)
    {
        lock (_sync) _delay = delay;
    }

    public void BlackHole()
    {
        lock (_sync)
        {
            if (_flowing.Task.IsCompleted) _flowing = NewGate(open: false);
        }
    }

    public void Cut()
    {
        lock (_sync) _cut = true;
        Reset();
    }

    /// <summary>Resets (RST: SO_LINGER 0) every open connection.</summary>
    public void Reset()
    {
        List<(Socket Client, Socket Server)> pairs;
        lock (_sync)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }
        foreach ((Socket client, Socket server) in pairs)
        {
            Abort(client);
            Abort(server);
        }
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open) gate.SetResult();
        return gate;
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close(0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already gone
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException) when (!_stop.IsCancellationRequested)
            {
                // A connection reset while it waited in the backlog (ECONNABORTED; likelier on a loaded machine during
                // the faults): that one is gone, the listener is not. Returning here closed the proxy for good, and the
                // gateway's writes failed until the scenario timed out.
                continue;
            }
            catch (SocketException) { return; }
            Accepted++;
            bool cut;
            lock (_sync) cut = _cut;
            if (cut)
            {
                Abort(client);
                continue;
            }
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try { await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // the server is down: the client sees its connection reset, as it would connecting directly
                Abort(client);
                server.Dispose();
                continue;
            }
            lock (_sync) _pairs.Add((client, server));
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    /// <summary>
    /// One direction: a reader stamps each chunk with when it may go on (now + the delay then), a writer sends it then
    /// and only while the gate is open; an end or error on either side closes both.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Data, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        Task writer = WriteAsync(chunks.Reader, to);
        try
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                TimeSpan delay;
                lock (_sync) delay = _delay;
                chunks.Writer.TryWrite((buffer.AsSpan(0, n).ToArray(), Environment.TickCount64 + (long)delay.TotalMilliseconds));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // reset or stopped: the writer ends the other side
        }
        chunks.Writer.TryComplete();
        await writer;
        Abort(from);
    }

    private async Task WriteAsync(ChannelReader<(byte[] Data, long Due)> chunks, Socket to)
    {
        try
        {
            await foreach ((byte[] data, long due) in chunks.ReadAllAsync(_stop.Token))
            {
                long wait = due - Environment.TickCount64;
                if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), _stop.Token);
                Task gate;
                lock (_sync) gate = _flowing.Task;
                await gate.WaitAsync(_stop.Token);
                await to.SendAsync(data, SocketFlags.None, _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the other side is gone or we stop
        }
        Abort(to);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Reset();
        await _acceptLoop;
        _stop.Dispose();
    }
}
