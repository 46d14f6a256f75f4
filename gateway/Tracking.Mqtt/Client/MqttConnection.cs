using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Tracking.Mqtt;

/// <summary>
/// One network connection: socket (and TLS), a PipeReader over what arrives, and an in-memory Pipe for
/// what leaves. Writers append whole packets to the pipe under a short lock; a single loop copies the
/// pipe to the socket, so packets written while a send is under way leave together in one write.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Pipe _output = new(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: 16 * 1024, useSynchronizationContext: false));
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly TimeProvider _time;
    private Task _sendLoop = Task.CompletedTask;
    private int _closeOnce;

    private MqttConnection(Socket socket, Stream stream, MqttProtocolVersion version, int generation, TimeProvider time)
    {
        _time = time;
        _socket = socket;
        _stream = stream;
        Version = version;
        Generation = generation;
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        LastReceived = LastSent = time.GetTimestamp();
    }

    public MqttProtocolVersion Version { get; }
    public int Generation { get; }
    public PipeReader Input { get; }
    public CancellationToken Closed => _closed.Token;
    /// <summary>When a packet last arrived or went out: timestamps of the client's <see cref="TimeProvider"/> (keep-alive).</summary>
    public long LastReceived { get; set; }
    public long LastSent { get; private set; }
    /// <summary>The reason the connection ended, set once by whoever closed it first.</summary>
    public string? CloseReason { get; private set; }
    public Exception? CloseError { get; private set; }
    /// <summary>The server's maximum packet size (5.0 CONNACK); larger publishes are refused before sending.</summary>
    public int ServerMaximumPacketSize { get; set; } = MqttWire.MaxVariableByteInteger + 5;

    public static async Task<MqttConnection> OpenAsync(MqttClientOptions options, int generation, TimeProvider time, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, ct).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(TlsClientOptions(options, tls), ct).ConfigureAwait(false);
            }
            var connection = new MqttConnection(socket, stream, options.ProtocolVersion, generation, time);
            connection._sendLoop = connection.SendLoopAsync();
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static SslClientAuthenticationOptions TlsClientOptions(MqttClientOptions options, MqttTlsOptions tls)
    {
        var result = new SslClientAuthenticationOptions
        {
            TargetHost = tls.TargetHost ?? options.Host,
            EnabledSslProtocols = SslProtocols.None, // let the OS pick (TLS 1.2/1.3)
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (tls.ClientCertificate is not null) result.ClientCertificates = [tls.ClientCertificate];
        if (tls.ServerCertificateValidation is not null)
        {
            result.RemoteCertificateValidationCallback = tls.ServerCertificateValidation;
        }
        else if (tls.TrustedCertificateAuthorities is { Count: > 0 } roots)
        {
            // Validate against the given CAs only (a private PKI), still checking name and dates.
            result.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            result.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }
        return result;
    }

    /// <summary>Writes one or more packets and hands them to the send loop. Completes synchronously unless the pipe is full.</summary>
    public async ValueTask SendAsync<TState>(TState state, Action<IBufferWriter<byte>, TState> encode, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_closed.IsCancellationRequested) throw new MqttNotConnectedException("the connection is closed: " + CloseReason);
            encode(_output.Writer, state);
            var flush = await _output.Writer.FlushAsync(ct).ConfigureAwait(false);
            if (flush.IsCompleted) throw new MqttNotConnectedException("the connection is closed: " + CloseReason);
            LastSent = _time.GetTimestamp();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends raw bytes (a stored packet). A copy into the pipe, no encoding.</summary>
    public ValueTask SendRawAsync(ReadOnlyMemory<byte> packet, CancellationToken ct = default) =>
        SendAsync(packet, static (w, p) => w.Write(p.Span), ct);

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                if (_stream is SslStream) await _stream.FlushAsync().ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled) break;
            }
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await reader.CompleteAsync(ex).ConfigureAwait(false);
            Close("sending failed: " + ex.Message, ex);
        }
    }

    /// <summary>Waits until everything written so far has been handed to the socket (used before a clean close).</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _output.Writer.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
        await _sendLoop.WaitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Half-closes: FIN after the bytes already handed to the socket, while incoming data can still be read. Closing
    /// both ways at once resets the connection if anything unread is left on our side, and a reset makes the peer's
    /// kernel drop what it had received but not yet read: the last PUBACKs before a DISCONNECT were lost that way
    /// (their messages came again in the next session).
    /// </summary>
    public void ShutdownSend()
    {
        try { _socket.Shutdown(SocketShutdown.Send); } catch (Exception) { /* already gone */ }
    }

    /// <summary>Ends the connection at once. The first caller's reason is kept.</summary>
    public void Close(string reason, Exception? error = null)
    {
        if (Interlocked.Exchange(ref _closeOnce, 1) != 0) return;
        CloseReason = reason;
        CloseError = error;
        try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception) { /* already gone */ }
        _socket.Dispose();
        // Not Writer.Complete(): a writer may hold the pipe right now. The send loop completes the reader,
        // which turns every later flush into IsCompleted.
        _output.Reader.CancelPendingRead();
        Input.CancelPendingRead();
    }

    public bool IsClosed => Volatile.Read(ref _closeOnce) != 0;

    public async ValueTask DisposeAsync()
    {
        Close("disposed");
        try { await _sendLoop.ConfigureAwait(false); } catch (Exception) { /* reported through Close */ }
        await Input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
    }
}
