using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Mqtt.Packets;
using Tracking.Mqtt.Session;
using Tracking.Retry;

namespace Tracking.Mqtt;

public sealed record MqttDisconnectedEventArgs(string Reason, Exception? Error, bool WillReconnect);

/// <summary>Counters for metrics; read at any time.</summary>
public sealed class MqttClientCounters
{
    internal long _received, _published, _connects, _protocolErrors, _connectionsLost, _coalescingPauses;
    public long MessagesReceived => Interlocked.Read(ref _received);
    public long MessagesPublished => Interlocked.Read(ref _published);
    public long Connects => Interlocked.Read(ref _connects);
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);
    public long ConnectionsLost => Interlocked.Read(ref _connectionsLost);
    /// <summary>Pauses before a socket read under load (<see cref="MqttClientOptions.ReceiveCoalesceDelay"/>).</summary>
    public long CoalescingPauses => Interlocked.Read(ref _coalescingPauses);
}

/// <summary>
/// MQTT 3.1.1 / 5.0 client. The session (packet identifiers, outgoing messages awaiting acknowledgement,
/// incoming QoS 2 state, subscriptions) lives here and outlives connections: after a lost connection the
/// client reconnects with backoff, resends what was not acknowledged and subscribes again when the server
/// lost the session. It is the one owner of connecting: <see cref="ConnectWithRetryAsync"/> (the first connect) and the
/// reconnects wait the same <see cref="Backoff"/> on the same <see cref="TimeProvider"/> and report each failure
/// through <see cref="ConnectFailed"/>.
/// </summary>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _log;
    private readonly Channel<MqttMessage> _messages;
    private readonly PacketIdAllocator _ids = new();
    private readonly InflightWindow _window;
    private readonly TopicCache _topics = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly TimeProvider _time;
    private readonly Backoff _backoff;

    // Session state, guarded by _sync.
    private readonly Lock _sync = new();
    private readonly Dictionary<ushort, OutgoingPublish> _inflight = [];
    private readonly Dictionary<ushort, PendingRequest> _requests = [];
    private readonly Dictionary<ushort, bool> _incomingQos2 = []; // packet id -> PUBREC sent (§4.3.3, method B)
    private readonly List<MqttSubscription> _subscriptions = [];
    private readonly Stack<OutgoingPublish> _publishPool = new();
    private MqttConnection? _connection;   // connected, CONNACK received
    private MqttConnection? _ready;        // ... and the session's backlog resent: new publishes may go out
    private Task _connectionTask = Task.CompletedTask;
    private Task _reconnectTask = Task.CompletedTask;
    private CancellationTokenSource? _reconnectStop; // calls off the running reconnect loop (DisconnectAsync)
    private bool _everConnected, _userDisconnected, _reconnecting;
    private long _publishSequence;
    private int _generation;
    private string _clientId;
    private ServerLimits _server = ServerLimits.Unlimited;

    private sealed record ServerLimits(MqttQos MaximumQos, bool RetainAvailable, int MaximumPacketSize)
    {
        public static readonly ServerLimits Unlimited = new(MqttQos.ExactlyOnce, true, MqttWire.MaxVariableByteInteger + 5);
    }

    private sealed class PendingRequest(MqttConnection connection)
    {
        public MqttConnection Connection { get; } = connection;
        public TaskCompletionSource<SubAckPacket> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <param name="time">Clock of the keep-alive and of the waits between connect attempts.</param>
    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null, TimeProvider? time = null)
        : this(options, logger, time, random: null)
    {
    }

    /// <param name="random">Seeds the backoff's jitter (tests: a repeatable sequence of waits).</param>
    internal MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger, TimeProvider? time, Random? random)
    {
        options.Validate();
        _time = time ?? TimeProvider.System;
        _backoff = new Backoff(options.ReconnectMinDelay, options.ReconnectMaxDelay, random);
        _options = options;
        _log = logger ?? (ILogger)NullLogger.Instance;
        _clientId = options.ClientId;
        _window = new InflightWindow(options.MaxInflight);
        _messages = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.IncomingQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // Room for every payload the queue can hold, plus those the application has taken and not yet given back: the
        // shared pool keeps only a few dozen arrays per size, fewer than a full queue, and would allocate under load.
        if (options.PooledPayloads)
        {
            _payloadPool = ArrayPool<byte>.Create(MqttClientOptions.PooledPayloadMaxBytes, options.IncomingQueueCapacity + PooledPayloadSlack);
        }
    }

    // Payloads taken from the queue and not yet returned that the pool still keeps when they come back (an ingest
    // stage's group commit holds up to a few thousand).
    private const int PooledPayloadSlack = 4096;
    private readonly ArrayPool<byte>? _payloadPool;

    /// <summary>Received application messages, in arrival order. With manual acknowledgement, pass each QoS 1/2 one to <see cref="AcknowledgeAsync(in MqttMessage, CancellationToken)"/>.</summary>
    public ChannelReader<MqttMessage> Messages => _messages.Reader;
    public MqttClientCounters Counters { get; } = new();
    public bool IsConnected { get { lock (_sync) return _connection is not null; } }
    public string ClientId { get { lock (_sync) return _clientId; } }
    /// <summary>Outgoing QoS 1/2 messages not yet acknowledged by the server.</summary>
    public int InflightCount { get { lock (_sync) return _inflight.Count; } }

    public event Action<MqttConnectResult>? Connected;
    public event Action<MqttDisconnectedEventArgs>? Disconnected;
    /// <summary>
    /// An attempt of <see cref="ConnectWithRetryAsync"/> or an automatic reconnect failed (refused:
    /// <see cref="MqttConnectException"/>; TLS: an AuthenticationException), so an application can report why it stays
    /// offline. The client keeps trying after <see cref="MqttConnectFailedEventArgs.RetryIn"/>.
    /// </summary>
    public event Action<MqttConnectFailedEventArgs>? ConnectFailed;

    /// <summary>Connects once; throws <see cref="MqttConnectException"/> when refused. Later losses reconnect by themselves.</summary>
    public async Task<MqttConnectResult> ConnectAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        lock (_sync)
        {
            if (_connection is not null || _reconnecting) throw new InvalidOperationException("the client is already connected");
            _userDisconnected = false;
        }
        return await ConnectCoreAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects, retrying every failure (broker down, refused, TLS) with the reconnects' backoff until connected or
    /// <paramref name="ct"/> is cancelled. Later losses reconnect by themselves.
    /// </summary>
    public async Task<MqttConnectResult> ConnectWithRetryAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        lock (_sync)
        {
            if (_connection is not null || _reconnecting) throw new InvalidOperationException("the client is already connected");
            _userDisconnected = false;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposed.Token);
        return (await ConnectLoopAsync(reconnect: false, stop.Token).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The one retry loop of connecting. A first connect tries at once; a reconnect counts the lost connection as the
    /// first failure and waits before its first attempt. Null when a reconnect is called off (disconnect, dispose).
    /// </summary>
    private async Task<MqttConnectResult?> ConnectLoopAsync(bool reconnect, CancellationToken ct)
    {
        TimeSpan wait = reconnect ? _backoff.Delay(1) : TimeSpan.Zero;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                if (reconnect)
                {
                    lock (_sync)
                        if (_userDisconnected) { _reconnecting = false; return null; }
                }
                MqttConnectResult result = await ConnectCoreAsync(ct).ConfigureAwait(false);
                if (reconnect) LogReconnected(attempt);
                return result;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                if (!reconnect) throw;
                lock (_sync) _reconnecting = false;
                return null;
            }
            catch (Exception ex)
            {
                TimeSpan waited = wait;
                wait = _backoff.Delay(reconnect ? attempt + 1 : attempt);
                if (reconnect) LogReconnectFailed(attempt, waited.TotalMilliseconds, ex.Message);
                else LogConnectFailed(attempt, _options.Host, _options.Port, wait.TotalMilliseconds, ex.Message);
                ConnectFailed?.Invoke(new MqttConnectFailedEventArgs(ex, attempt, reconnect, wait));
            }
        }
    }

    private bool NextConnectIsClean()
    {
        if (!_everConnected) return _options.CleanStart;
        // Resume whenever the session can outlive a connection: 5.0 by its expiry, 3.1.1 by Clean Session = 0.
        return _options.ProtocolVersion == MqttProtocolVersion.V500 ? _options.SessionExpirySeconds == 0 : _options.CleanStart;
    }

    private async Task<MqttConnectResult> ConnectCoreAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposed.Token);
        cts.CancelAfter(_options.ConnectTimeout);
        bool clean = NextConnectIsClean();
        var connection = await MqttConnection.OpenAsync(_options, Interlocked.Increment(ref _generation), _time, cts.Token).ConfigureAwait(false);
        try
        {
            var connect = BuildConnect(clean);
            await connection.SendAsync(connect, static (w, p) => p.Write(w), cts.Token).ConfigureAwait(false);
            var connAck = await ReadConnAckAsync(connection, cts.Token).ConfigureAwait(false);
            if (connAck.ReasonCode != MqttReasonCode.Success)
                throw new MqttConnectException(connAck.ReasonCode, connAck.Properties?.ReasonString);

            var props = connAck.Properties;
            var keepAlive = props?.ServerKeepAlive is { } ska ? TimeSpan.FromSeconds(ska) : _options.KeepAlive;
            var result = new MqttConnectResult(connAck.SessionPresent, connAck.ReasonCode, props?.AssignedClientIdentifier,
                props?.ReceiveMaximum, keepAlive, props);
            lock (_sync)
            {
                if (_userDisconnected && _everConnected && _reconnecting)
                    throw new OperationCanceledException("disconnected by the application while reconnecting");
                if (props?.AssignedClientIdentifier is { } assigned) _clientId = assigned;
                _server = new ServerLimits(
                    (MqttQos)(props?.MaximumQos ?? 2), props?.RetainAvailable != 0,
                    (int)Math.Min(props?.MaximumPacketSize ?? uint.MaxValue, (uint)ServerLimits.Unlimited.MaximumPacketSize));
                _window.SetLimit(Math.Min(_options.MaxInflight, props?.ReceiveMaximum ?? ushort.MaxValue));
                if (!connAck.SessionPresent) _incomingQos2.Clear(); // the server forgot them too (§4.1)
                _connection = connection;
                _everConnected = true;
                _reconnecting = false;
                _connectionTask = RunConnectionAsync(connection, keepAlive);
            }
            Interlocked.Increment(ref Counters._connects);
            LogConnected(_options.Host, _options.Port, _options.ProtocolVersion, clean, connAck.SessionPresent);

            await ResendBacklogAsync(connection, connAck.SessionPresent).ConfigureAwait(false);
            if (!connAck.SessionPresent) await SubscribeAgainAsync(connection, cts.Token).ConfigureAwait(false);
            Connected?.Invoke(result);
            return result;
        }
        catch
        {
            connection.Close("connect failed");
            bool running;
            lock (_sync)
            {
                running = _connection == connection; // its RunConnectionAsync owns and disposes it
                if (running) { _connection = null; _ready = null; }
            }
            if (!running) await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private ConnectPacket BuildConnect(bool clean)
    {
        bool v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        MqttProperties? props = null;
        if (v5)
        {
            props = new MqttProperties
            {
                SessionExpiryInterval = _options.SessionExpirySeconds == 0 ? null : _options.SessionExpirySeconds,
                ReceiveMaximum = _options.ReceiveMaximum == ushort.MaxValue ? null : _options.ReceiveMaximum,
                // §3.1.2.11.4: the server must not send a packet larger than this; it drops such messages instead.
                MaximumPacketSize = (uint)_options.MaximumPacketSize,
            };
        }
        return new ConnectPacket
        {
            ProtocolVersion = _options.ProtocolVersion, ClientId = _clientId, CleanStart = clean,
            KeepAliveSeconds = (ushort)_options.KeepAlive.TotalSeconds, Username = _options.Username,
            Password = _options.Password, Will = _options.Will, Properties = props,
        };
    }

    private async Task<ConnAckPacket> ReadConnAckAsync(MqttConnection connection, CancellationToken ct)
    {
        var input = connection.Input;
        while (true)
        {
            var read = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = read.Buffer;
            if (MqttFixedHeader.TryRead(buffer, _options.MaximumPacketSize, out byte first, out int head, out int body) &&
                buffer.Length >= head + body)
            {
                var type = (MqttPacketType)(first >> 4);
                try
                {
                    if (type != MqttPacketType.ConnAck)
                        throw MqttProtocolException.Violation($"expected CONNACK, got {type.ToString().ToUpperInvariant()}"); // §3.2
                    var bytes = buffer.Slice(head, body).ToArray();
                    return ConnAckPacket.Decode(bytes, (byte)(first & 0x0F), connection.Version);
                }
                finally
                {
                    input.AdvanceTo(buffer.GetPosition(head + body));
                }
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted) throw new MqttNotConnectedException("the server closed the connection before CONNACK");
        }
    }

    /// <summary>
    /// Sends, in their original order (§4.6), the messages that were published but not acknowledged:
    /// PUBLISH again with DUP when the server kept the session, PUBREL for QoS 2 messages it already
    /// received; on a new session, every one of them as a new PUBLISH. Then opens the gate for new publishes.
    /// </summary>
    private async Task ResendBacklogAsync(MqttConnection connection, bool sessionPresent)
    {
        var batch = new List<OutgoingPublish>();
        while (true)
        {
            batch.Clear();
            lock (_sync)
            {
                if (_connection != connection) return;
                foreach (var p in _inflight.Values)
                    if (!p.Sent) batch.Add(p);
                if (batch.Count == 0)
                {
                    _ready = connection;
                    return;
                }
                batch.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
                foreach (var p in batch)
                {
                    p.Sent = true;
                    if (!sessionPresent) p.Released = false;
                    // The DUP bit lives in the stored packet's first byte: set when the server may have seen it.
                    if (sessionPresent && !p.Released) p.Packet[0] |= PublishPacket.DuplicateFlag;
                    else p.Packet[0] &= unchecked((byte)~PublishPacket.DuplicateFlag);
                }
            }
            if (batch.Count > 0) LogResending(batch.Count, sessionPresent);
            foreach (var p in batch)
            {
                if (p.Released) await SendPublishAckAsync(connection, MqttPacketType.PubRel, p.PacketId).ConfigureAwait(false);
                else await connection.SendRawAsync(p.EncodedPacket).ConfigureAwait(false);
            }
        }
    }

    private async Task SubscribeAgainAsync(MqttConnection connection, CancellationToken ct)
    {
        MqttSubscription[] subs;
        lock (_sync) subs = [.. _subscriptions];
        if (subs.Length == 0) return;
        var ack = await RequestAsync(connection, id => new SubscribePacket { PacketId = id, Subscriptions = subs }, ct).ConfigureAwait(false);
        for (int i = 0; i < subs.Length && i < ack.ReasonCodes.Count; i++)
            if (ack.ReasonCodes[i] >= MqttReasonCode.UnspecifiedError) LogResubscribeRefused(subs[i].TopicFilter, ack.ReasonCodes[i]);
        LogResubscribed(subs.Length);
    }

    private async Task RunConnectionAsync(MqttConnection connection, TimeSpan keepAlive)
    {
        await Task.Yield();
        var keepAliveLoop = KeepAliveLoopAsync(connection, keepAlive);
        try
        {
            await ReceiveLoopAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug here must cost a reconnect, never the session: the loss handling below still runs.
            LogReceiveFailed(ex);
            connection.Close("internal error in the receive loop: " + ex.Message, ex);
        }
        connection.Close("the server closed the connection");
        try { await keepAliveLoop.ConfigureAwait(false); } catch (Exception) { /* closed */ }
        OnConnectionLost(connection);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private void OnConnectionLost(MqttConnection connection)
    {
        List<PendingRequest> requests;
        List<OutgoingPublish>? abandoned = null;
        bool reconnect;
        lock (_sync)
        {
            if (_connection != connection) return;
            _connection = null;
            _ready = null;
            foreach (var p in _inflight.Values) p.Sent = false;
            requests = [.. _requests.Values];
            reconnect = _options.AutoReconnect && !_userDisconnected && !_disposed.IsCancellationRequested;
            _reconnecting = reconnect;
            if (!reconnect) abandoned = TakeAllInflight();
        }
        // After our own DISCONNECT the server's close usually wins the race to record a reason: report ours.
        bool requested;
        lock (_sync) requested = _userDisconnected;
        string reason = requested ? "disconnected by the application" : connection.CloseReason ?? "unknown";
        if (requested)
        {
            LogDisconnected();
        }
        else
        {
            Interlocked.Increment(ref Counters._connectionsLost);
            LogConnectionLost(reason, reconnect);
        }
        var error = new MqttNotConnectedException("the connection was closed: " + reason, connection.CloseError);
        foreach (var r in requests) r.Completion.TrySetException(error);
        if (abandoned is not null) foreach (var p in abandoned) p.Fail(error);
        Disconnected?.Invoke(new MqttDisconnectedEventArgs(reason, connection.CloseError, reconnect));
        if (reconnect) _reconnectTask = ReconnectAsync();
    }

    private async Task ReconnectAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        lock (_sync) _reconnectStop = stop;
        try
        {
            await ConnectLoopAsync(reconnect: true, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            lock (_sync)
                if (_reconnectStop == stop) _reconnectStop = null;
        }
    }

    private List<OutgoingPublish> TakeAllInflight()
    {
        var all = _inflight.Values.ToList();
        foreach (var p in all)
        {
            _ids.Release(p.PacketId);
            _window.Leave();
        }
        _inflight.Clear();
        return all;
    }

    private async Task KeepAliveLoopAsync(MqttConnection connection, TimeSpan keepAlive)
    {
        if (keepAlive <= TimeSpan.Zero) return;
        var timeout = _options.KeepAliveTimeout ?? TimeSpan.FromTicks(Math.Max(keepAlive.Ticks / 2, TimeSpan.TicksPerSecond));
        long keepAliveMs = (long)keepAlive.TotalMilliseconds, timeoutMs = (long)timeout.TotalMilliseconds;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(keepAliveMs, timeoutMs) / 4, 50, 1000)), _time);
        long pingSentAt = 0;
        bool pinging = false;
        while (await timer.WaitForNextTickAsync(connection.Closed).ConfigureAwait(false))
        {
            long now = _time.GetTimestamp();
            if (pinging)
            {
                if (connection.LastReceived >= pingSentAt)
                {
                    pinging = false; // any packet proves the server is there
                }
                else if (_time.GetElapsedTime(pingSentAt, now) > timeout)
                {
                    connection.Close($"keep-alive timeout: no answer to PINGREQ within {timeout.TotalSeconds:0.###} s");
                    return;
                }
            }
            // §3.1.2.10: send at least one packet per keep-alive period. Also ping when only sending, to notice a dead peer.
            if (!pinging &&
                (_time.GetElapsedTime(connection.LastSent, now) >= keepAlive || _time.GetElapsedTime(connection.LastReceived, now) >= keepAlive))
            {
                pingSentAt = now;
                pinging = true;
                try
                {
                    await connection.SendAsync(0, static (w, _) => PingPacket.Write(w, MqttPacketType.PingReq)).ConfigureAwait(false);
                }
                catch (MqttNotConnectedException) { return; }
            }
        }
    }

    /// <summary>Publishes; for QoS 1/2 completes when the server acknowledged (PUBACK / PUBCOMP).</summary>
    /// <remarks>
    /// QoS 1/2 messages published while the connection is down are kept and sent after the reconnect;
    /// the cancellation token covers waiting for room in the in-flight window, not the acknowledgement.
    /// </remarks>
    public ValueTask<MqttPublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos = MqttQos.AtLeastOnce,
        bool retain = false, MqttProperties? properties = null, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        MqttTopic.ValidateName(topic);
        if (qos is < MqttQos.AtMostOnce or > MqttQos.ExactlyOnce) throw new ArgumentOutOfRangeException(nameof(qos));
        var limits = _server;
        if (qos > limits.MaximumQos) throw new MqttPublishException(topic, MqttReasonCode.QosNotSupported);
        if (retain && !limits.RetainAvailable) throw new MqttPublishException(topic, MqttReasonCode.RetainNotSupported);
        int size = PublishPacket.GetSize(System.Text.Encoding.UTF8.GetByteCount(topic), qos, properties, payload.Length, _options.ProtocolVersion);
        if (size > limits.MaximumPacketSize) throw new MqttPublishException(topic, MqttReasonCode.PacketTooLarge);

        if (qos == MqttQos.AtMostOnce)
        {
            MqttConnection? c;
            lock (_sync) c = _ready;
            if (c is null) throw new MqttNotConnectedException("QoS 0 messages are not kept while disconnected");
            var send = c.SendAsync((topic, payload, retain, properties, _options.ProtocolVersion),
                static (w, s) => PublishPacket.Write(w, s.ProtocolVersion, s.topic, s.payload.Span, MqttQos.AtMostOnce, s.retain, false, 0, s.properties), ct);
            Interlocked.Increment(ref Counters._published);
            return send.IsCompletedSuccessfully ? new(default(MqttPublishResult)) : AwaitQos0(send);
        }
        return PublishReliableAsync(topic, payload, qos, retain, properties, size, ct);

        static async ValueTask<MqttPublishResult> AwaitQos0(ValueTask send)
        {
            await send.ConfigureAwait(false);
            return default;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MqttPublishResult> PublishReliableAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain,
        MqttProperties? properties, int size, CancellationToken ct)
    {
        lock (_sync)
            if (_connection is null && !_reconnecting) throw new MqttNotConnectedException("not connected and not reconnecting");
        await _window.EnterAsync(ct).ConfigureAwait(false);
        OutgoingPublish p;
        MqttConnection? connection;
        ushort id;
        try
        {
            id = _ids.Allocate();
            lock (_sync) p = _publishPool.Count > 0 ? _publishPool.Pop() : new OutgoingPublish(ReturnToPool);
            PublishPacket.Write(p.RentPacket(size), _options.ProtocolVersion, topic, payload.Span, qos, retain, false, id, properties);
        }
        catch
        {
            _window.Leave();
            throw;
        }
        p.PacketId = id;
        p.Qos = qos;
        p.Topic = topic;
        lock (_sync)
        {
            p.Sequence = ++_publishSequence;
            _inflight.Add(id, p);
            connection = _ready;
            p.Sent = connection is not null;
        }
        if (connection is not null)
        {
            try
            {
                await connection.SendRawAsync(p.EncodedPacket, CancellationToken.None).ConfigureAwait(false);
            }
            catch (MqttNotConnectedException)
            {
                // Stays in the session; ResendBacklogAsync sends it after the reconnect.
            }
        }
        Interlocked.Increment(ref Counters._published);
        var result = await p.Task.ConfigureAwait(false);
        if (!result.IsSuccess) throw new MqttPublishException(topic, result.ReasonCode);
        return result;
    }

    private void ReturnToPool(OutgoingPublish p)
    {
        lock (_sync)
            if (_publishPool.Count < 1024) _publishPool.Push(p);
    }

    public Task<IReadOnlyList<MqttReasonCode>> SubscribeAsync(string topicFilter, MqttQos qos = MqttQos.AtLeastOnce, CancellationToken ct = default) =>
        SubscribeAsync([new MqttSubscription(topicFilter, qos)], ct);

    /// <summary>Subscribes; throws <see cref="MqttSubscribeException"/> naming every refused filter. Granted ones are kept and renewed after a reconnect.</summary>
    public async Task<IReadOnlyList<MqttReasonCode>> SubscribeAsync(IReadOnlyList<MqttSubscription> subscriptions, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        foreach (var s in subscriptions) MqttTopic.ValidateFilter(s.TopicFilter);
        var connection = CurrentConnection();
        var subs = subscriptions.ToArray();
        var ack = await RequestAsync(connection, id => new SubscribePacket { PacketId = id, Subscriptions = subs }, ct).ConfigureAwait(false);
        if (ack.ReasonCodes.Count != subs.Length)
        {
            connection.Close("SUBACK has a different number of reason codes than the SUBSCRIBE had filters");
            throw new MqttProtocolException("SUBACK reason codes do not match the request", MqttReasonCode.ProtocolError);
        }
        var failures = new List<(string, MqttReasonCode)>();
        lock (_sync)
        {
            for (int i = 0; i < subs.Length; i++)
            {
                if (ack.ReasonCodes[i] >= MqttReasonCode.UnspecifiedError)
                {
                    failures.Add((subs[i].TopicFilter, ack.ReasonCodes[i]));
                    continue;
                }
                _subscriptions.RemoveAll(x => x.TopicFilter == subs[i].TopicFilter);
                _subscriptions.Add(subs[i]);
            }
        }
        if (failures.Count > 0) throw new MqttSubscribeException(failures);
        return ack.ReasonCodes;
    }

    public async Task<IReadOnlyList<MqttReasonCode>> UnsubscribeAsync(IReadOnlyList<string> topicFilters, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        foreach (var f in topicFilters) MqttTopic.ValidateFilter(f);
        var filters = topicFilters.ToArray();
        lock (_sync) _subscriptions.RemoveAll(s => filters.Contains(s.TopicFilter));
        var ack = await RequestAsync(CurrentConnection(), id => new UnsubscribePacket { PacketId = id, TopicFilters = filters }, ct).ConfigureAwait(false);
        return ack.ReasonCodes.Count > 0 ? ack.ReasonCodes : filters.Select(_ => MqttReasonCode.Success).ToArray();
    }

    private MqttConnection CurrentConnection()
    {
        lock (_sync) return _connection ?? throw new MqttNotConnectedException("not connected");
    }

    private async Task<SubAckPacket> RequestAsync<TPacket>(MqttConnection connection, Func<ushort, TPacket> build, CancellationToken ct)
        where TPacket : class
    {
        ushort id = _ids.Allocate();
        var pending = new PendingRequest(connection);
        lock (_sync) _requests.Add(id, pending);
        try
        {
            var packet = build(id);
            await connection.SendAsync((packet, connection.Version), static (w, s) =>
            {
                if (s.packet is SubscribePacket sub) sub.Write(w, s.Version);
                else ((UnsubscribePacket)(object)s.packet).Write(w, s.Version);
            }, ct).ConfigureAwait(false);
            return await pending.Completion.Task.WaitAsync(_options.ConnectTimeout * 3, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_sync) _requests.Remove(id);
            _ids.Release(id);
        }
    }

    /// <summary>
    /// Acknowledges a QoS 1/2 message in manual mode (PUBACK, or PUBREC for QoS 2). A message from a
    /// connection that has since closed is not acknowledged: the server delivers it again (§4.4).
    /// </summary>
    public ValueTask AcknowledgeAsync(in MqttMessage message, CancellationToken ct = default)
    {
        if (!message.NeedsAcknowledgement) return ValueTask.CompletedTask;
        if (!_options.ManualAcknowledgement) throw new InvalidOperationException("acknowledgements are automatic unless ManualAcknowledgement is set");
        if (message.Connection is not MqttConnection connection || connection.IsClosed) return ValueTask.CompletedTask;
        var type = MqttPacketType.PubAck;
        if (message.Qos == MqttQos.ExactlyOnce)
        {
            type = MqttPacketType.PubRec;
            lock (_sync) _incomingQos2[message.PacketId] = true;
        }
        return IgnoreLostConnection(SendPublishAckAsync(connection, type, message.PacketId, ct));
    }

    /// <summary>
    /// Whether <paramref name="message"/> came over this client's current connection: what an application that merges
    /// the messages of several clients into one stream uses to tell which of them a batch's acknowledgements concern.
    /// </summary>
    public bool Delivered(in MqttMessage message)
    {
        lock (_sync) return message.Connection is not null && message.Connection == _connection;
    }

    /// <summary>Acknowledges many messages with one write: what a group commit does after its fsync.</summary>
    public ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct = default)
    {
        if (!_options.ManualAcknowledgement) throw new InvalidOperationException("acknowledgements are automatic unless ManualAcknowledgement is set");
        MqttConnection? current;
        lock (_sync)
        {
            current = _connection;
            foreach (var m in messages.Span)
                if (m.Qos == MqttQos.ExactlyOnce && m.Connection == current) _incomingQos2[m.PacketId] = true;
        }
        if (current is null || current.IsClosed) return ValueTask.CompletedTask;
        return IgnoreLostConnection(current.SendAsync((messages, current), static (w, s) =>
        {
            foreach (var m in s.messages.Span)
            {
                if (!m.NeedsAcknowledgement || m.Connection != s.current) continue;
                PublishAckPacket.WriteShort(w.GetSpan(PublishAckPacket.ShortSize),
                    m.Qos == MqttQos.ExactlyOnce ? MqttPacketType.PubRec : MqttPacketType.PubAck, m.PacketId);
                w.Advance(PublishAckPacket.ShortSize);
            }
        }, ct));
    }

    private static ValueTask IgnoreLostConnection(ValueTask send)
    {
        return send.IsCompletedSuccessfully ? ValueTask.CompletedTask : Slow(send);

        static async ValueTask Slow(ValueTask send)
        {
            try { await send.ConfigureAwait(false); }
            catch (MqttNotConnectedException) { /* redelivered after the reconnect */ }
        }
    }

    private static ValueTask SendPublishAckAsync(MqttConnection connection, MqttPacketType type, ushort id, CancellationToken ct = default) =>
        connection.SendAsync((type, id), static (w, s) =>
        {
            PublishAckPacket.WriteShort(w.GetSpan(PublishAckPacket.ShortSize), s.type, s.id);
            w.Advance(PublishAckPacket.ShortSize);
        }, ct);

    /// <summary>Sends DISCONNECT and closes; no reconnect follows until <see cref="ConnectAsync"/> is called again.</summary>
    public async Task DisconnectAsync(MqttReasonCode reason = MqttReasonCode.Success, CancellationToken ct = default)
    {
        MqttConnection? connection;
        Task connectionTask;
        CancellationTokenSource? reconnecting;
        lock (_sync)
        {
            _userDisconnected = true;
            connection = _connection;
            connectionTask = _connectionTask;
            reconnecting = _reconnectStop;
        }
        // A reconnect waiting out its backoff (up to ReconnectMaxDelay) stops now rather than after the wait.
        try { reconnecting?.Cancel(); } catch (ObjectDisposedException) { /* the loop just ended */ }
        if (connection is not null)
        {
            try
            {
                await connection.SendAsync((new DisconnectPacket { ReasonCode = reason }, connection.Version),
                    static (w, s) => s.Item1.Write(w, s.Version), ct).ConfigureAwait(false);
                await connection.DrainAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                // The server closes once it has read the DISCONNECT (§3.14.4), so its end of the connection then
                // ends the receive loop: by then it has read every packet before it.
                connection.ShutdownSend();
                await connectionTask.WaitAsync(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MqttNotConnectedException or TimeoutException or OperationCanceledException or IOException) { }
            connection.Close("disconnected by the application");
        }
        await connectionTask.ConfigureAwait(false);
        try { await _reconnectTask.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    /// <summary>Drops the connection without DISCONNECT, as a crash or a pulled cable would (tests: will messages, redelivery).</summary>
    internal void Abort(string reason = "aborted")
    {
        lock (_sync)
        {
            _userDisconnected = true;
            _connection?.Close(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested) return;
        try { await DisconnectAsync().ConfigureAwait(false); } catch (Exception) { /* disposing anyway */ }
        _disposed.Cancel();
        try { await _reconnectTask.ConfigureAwait(false); } catch (Exception) { }
        var error = new ObjectDisposedException(nameof(MqttClient));
        List<OutgoingPublish> abandoned;
        lock (_sync) abandoned = TakeAllInflight();
        foreach (var p in abandoned) p.Fail(error);
        _window.FailWaiters(error);
        _messages.Writer.TryComplete();
        _disposed.Dispose();
    }
}
