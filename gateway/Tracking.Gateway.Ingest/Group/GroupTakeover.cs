using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Group;

/// <summary>
/// Drains the queue of a dead member of the shared group (Ingest README "Scale-out"). mosquitto 2.0 keeps queueing a
/// share of the group's messages for a member that is offline with a persistent session, and they wait until that client
/// id connects again. Each gateway announces itself (<see cref="GroupStatus"/>: retained online, its will retained offline)
/// and watches the others' statuses over a connection of its own. When a member has been offline for
/// <see cref="MqttOptions.TakeoverAfter"/>, the one survivor responsible for it (<see cref="Responsible"/>, the same
/// choice in every survivor) connects a second session with the member's client id and clean start false, unsubscribes
/// the member's shared filters (the broker routes no new message to it), and hands what the session had queued to its
/// own ingest stage: each message is acknowledged on the takeover connection only after this gateway's group commit,
/// like its own. Once everything received is acknowledged and nothing more came for <see cref="MqttOptions.TakeoverQuiet"/>
/// it disconnects normally: the session stays (empty, unsubscribed, with its expiry), so a misjudged quiet period loses
/// nothing (what is left is drained by the next pass or by the member itself), and the member, when it returns, finds
/// its session and subscribes again. Passes repeat while one still drains messages.
/// <para>
/// The returning member doubles nothing: what it acknowledged before it died is in its own spool and was never
/// redelivered; what the takeover acknowledged is in the survivor's spool and gone from the session; a message spooled
/// but not yet acknowledged by either when its connection ended is delivered again, and its second copy is the same
/// InfluxDB point (same series and time), which overwrites the first.
/// </para>
/// </summary>
public sealed partial class GroupTakeover : IAsyncDisposable
{
    private const string StoreTopic = "$SYS/broker/store/messages/count";
    private const string DisconnectedTopic = "$SYS/broker/clients/disconnected";

    private readonly MqttOptions _mqtt;
    private readonly ChannelWriter<MqttMessage> _ingest;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private readonly List<Pass> _active = [];
    private readonly List<Task> _passes = [];
    private readonly CancellationTokenSource _stop = new();
    private MqttClient? _watch;
    private Task _watching = Task.CompletedTask;
    private Task _ticking = Task.CompletedTask;
    private long _takeovers, _drained, _failures, _brokerStored = -1, _brokerDisconnected = -1;

    /// <param name="mqtt">The gateway's MQTT settings (broker, credentials, group, client id, takeover timings).</param>
    /// <param name="ingest">Where drained messages go: the same stream the ingest stage reads the gateway's own from.</param>
    public GroupTakeover(MqttOptions mqtt, ChannelWriter<MqttMessage> ingest, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _mqtt = mqtt;
        _ingest = ingest;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GroupTakeover>();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Passes that found a dead member's session (whether or not it held messages).</summary>
    public long Takeovers => Interlocked.Read(ref _takeovers);

    /// <summary>Messages drained from dead members' sessions and acknowledged after this gateway's commit.</summary>
    public long Drained => Interlocked.Read(ref _drained);

    /// <summary>The choice every survivor makes alike: the dead member's stable hash picks one of the online members.</summary>
    public static string Responsible(IReadOnlyCollection<string> online, string dead)
    {
        string[] sorted = [.. online.Order(StringComparer.Ordinal)];
        // FNV-1a: string.GetHashCode differs between processes.
        uint hash = 2166136261;
        foreach (char c in dead) hash = (hash ^ c) * 16777619;
        return sorted[hash % (uint)sorted.Length];
    }

    /// <summary>
    /// Copies <paramref name="from"/> into <paramref name="to"/> until cancelled (back-pressure passes through: a full
    /// <paramref name="to"/> stops the reads). A message read but not written when cancelled is never acknowledged, so the
    /// broker delivers it again.
    /// </summary>
    public static async Task PumpAsync(ChannelReader<MqttMessage> from, ChannelWriter<MqttMessage> to, CancellationToken ct, Action? each = null)
    {
        try
        {
            while (await from.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (from.TryRead(out MqttMessage message))
                {
                    each?.Invoke();
                    if (!to.TryWrite(message)) await to.WriteAsync(message, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    /// <summary>Starts watching the group's statuses (and the broker's $SYS figures) and the takeover timer.</summary>
    public void Start()
    {
        var options = ClientOptions($"{_mqtt.ClientId}-watch");
        options.CleanStart = true;
        options.SessionExpirySeconds = 0;
        _watch = new MqttClient(options, _loggers.CreateLogger<MqttClient>(), _time);
        _watching = WatchAsync(_watch, _stop.Token);
        _ticking = TickAsync(_stop.Token);
    }

    /// <summary>Announces this gateway online (retained), on every connect of its ingest connection.</summary>
    public async Task AnnounceAsync(MqttClient ingest)
    {
        try
        {
            await Task.Yield();
            await ingest.PublishAsync(GroupStatus.Topic(_mqtt.SharedGroup, _mqtt.ClientId), Encoding.ASCII.GetBytes(GroupStatus.Online),
                MqttQos.AtLeastOnce, retain: true, ct: _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogAnnounceFailed(_logger, ex.Message);
        }
    }

    /// <summary>
    /// After a group commit: acknowledges, on each takeover connection, the messages of the batch that came over it (the
    /// gateway's own client acknowledges its own; each client skips messages of other connections).
    /// </summary>
    public async ValueTask AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct)
    {
        Pass[] active;
        lock (_active)
        {
            if (_active.Count == 0) return;
            active = [.. _active];
        }

        foreach (Pass pass in active)
        {
            int mine = 0;
            foreach (MqttMessage message in messages.Span)
            {
                if (pass.Client.Delivered(message)) mine++;
            }

            if (mine == 0) continue;
            await pass.Client.AcknowledgeAsync(messages, ct).ConfigureAwait(false);
            Interlocked.Add(ref pass.Acknowledged, mine);
            Interlocked.Add(ref _drained, mine);
            Volatile.Write(ref pass.LastActivity, _time.GetTimestamp());
        }
    }

    /// <summary>The group's Prometheus lines for /metrics (Ingest README "Scale-out").</summary>
    public void WriteMetrics(StringBuilder text)
    {
        int online = 1, offline = 0, active;
        lock (_members)
        {
            foreach (GroupMember member in _members.Values)
            {
                if (member.Online) online++;
                else offline++;
            }
        }

        lock (_active) active = _active.Count;
        text.Append("# HELP tracking_gateway_group_members Members of the shared group by their retained status (this gateway counts as online)\n")
            .Append("# TYPE tracking_gateway_group_members gauge\n")
            .Append(CultureInfo.InvariantCulture, $"tracking_gateway_group_members{{state=\"online\"}} {online}\n")
            .Append(CultureInfo.InvariantCulture, $"tracking_gateway_group_members{{state=\"offline\"}} {offline}\n");
        Line(text, "tracking_gateway_group_takeovers_total", "counter", "Takeover passes that found a dead member's session", Takeovers);
        Line(text, "tracking_gateway_group_takeover_messages_total", "counter",
            "Messages drained from dead members' sessions into this gateway's spool", Drained);
        Line(text, "tracking_gateway_group_takeover_failures_total", "counter", "Takeover passes that ended in an error", Interlocked.Read(ref _failures));
        Line(text, "tracking_gateway_group_takeover_active", "gauge", "Takeover connections open now", active);
        // mosquitto tells no queue length per client; its $SYS tree has the total of stored messages (queued for
        // offline sessions, in flight, retained) and the persistent sessions that are offline. Absent until it said.
        long stored = Interlocked.Read(ref _brokerStored), disconnected = Interlocked.Read(ref _brokerDisconnected);
        if (stored >= 0)
        {
            Line(text, "tracking_gateway_broker_store_messages", "gauge",
                "The broker's stored messages ($SYS/broker/store/messages/count: queued, in flight and retained)", stored);
        }

        if (disconnected >= 0)
        {
            Line(text, "tracking_gateway_broker_clients_disconnected", "gauge",
                "Persistent sessions whose client is offline ($SYS/broker/clients/disconnected)", disconnected);
        }
    }

    private static void Line(StringBuilder text, string name, string type, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");

    private MqttClientOptions ClientOptions(string clientId)
    {
        var options = new MqttClientOptions
        {
            ClientId = clientId,
            ProtocolVersion = MqttProtocolVersion.V500,
            KeepAlive = TimeSpan.FromSeconds(_mqtt.KeepAliveSeconds),
            MaximumPacketSize = _mqtt.MaxPacketBytes,
        };
        MqttClientSecurity.Apply(_mqtt, options);
        return options;
    }

    private async Task WatchAsync(MqttClient watch, CancellationToken ct)
    {
        try
        {
            await watch.ConnectWithRetryAsync(ct).ConfigureAwait(false);
            // A broker refusing $SYS (an ACL) only leaves those gauges out; the status filter is what matters.
            await watch.SubscribeAsync([
                new(GroupStatus.Filter(_mqtt.SharedGroup), MqttQos.AtLeastOnce),
                new(StoreTopic, MqttQos.AtMostOnce),
                new(DisconnectedTopic, MqttQos.AtMostOnce),
            ], ct).ConfigureAwait(false);
            await foreach (MqttMessage message in watch.Messages.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Observe(message.Topic, message.Payload.Span);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWatchFailed(_logger, ex.Message);
        }
    }

    /// <summary>One status or $SYS message. Internal for tests.</summary>
    internal void Observe(string topic, ReadOnlySpan<byte> payload)
    {
        if (topic == StoreTopic || topic == DisconnectedTopic)
        {
            if (Utf8Parser.TryParse(payload, out long value, out int used) && used == payload.Length)
            {
                Interlocked.Exchange(ref topic == StoreTopic ? ref _brokerStored : ref _brokerDisconnected, value);
            }

            return;
        }

        if (GroupStatus.MemberOf(_mqtt.SharedGroup, topic) is not { } id || id == _mqtt.ClientId) return;
        bool? online = payload.SequenceEqual("online"u8) ? true : payload.SequenceEqual("offline"u8) ? false : null;
        lock (_members)
        {
            if (payload.IsEmpty)
            {
                // an operator cleared the retained status: the member left the group for good
                _members.Remove(id);
                return;
            }

            if (online is not { } state) return;
            if (!_members.TryGetValue(id, out GroupMember? member)) _members[id] = member = new GroupMember(id) { Online = !state };
            if (member.Online == state) return;
            member.Online = state;
            member.ChangedAt = _time.GetTimestamp();
            member.Drained = false;
        }

        if (online == true) LogMemberOnline(_logger, id);
        else LogMemberOffline(_logger, id, _mqtt.TakeoverAfter);
    }

    private async Task TickAsync(CancellationToken ct)
    {
        TimeSpan period = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _mqtt.TakeoverAfter.Ticks / 2));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(period, _time, ct).ConfigureAwait(false);
                Tick(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Tick(CancellationToken ct)
    {
        lock (_members)
        {
            List<string> online = [_mqtt.ClientId, .. _members.Values.Where(m => m.Online).Select(m => m.ClientId)];
            foreach (GroupMember member in _members.Values)
            {
                if (member.Online || member.TakingOver || member.Drained) continue;
                if (_time.GetElapsedTime(member.ChangedAt) < _mqtt.TakeoverAfter) continue;
                if (Responsible(online, member.ClientId) != _mqtt.ClientId) continue;
                member.TakingOver = true;
                lock (_passes)
                {
                    _passes.RemoveAll(p => p.IsCompleted);
                    _passes.Add(Task.Run(() => PassAsync(member, ct), CancellationToken.None));
                }
            }
        }
    }

    private async Task PassAsync(GroupMember member, CancellationToken ct)
    {
        bool done = false;
        try
        {
            done = await DrainAsync(member.ClientId, ct).ConfigureAwait(false) == 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failures);
            LogTakeoverFailed(_logger, member.ClientId, ex.Message);
        }
        finally
        {
            lock (_members)
            {
                member.TakingOver = false;
                // a pass that drained messages is followed by another one: it ends only with an empty session
                if (done && !member.Online) member.Drained = true;
            }
        }
    }

    /// <summary>One takeover pass: how many messages it drained (0: the session was absent or empty).</summary>
    private async Task<long> DrainAsync(string memberId, CancellationToken ct)
    {
        MqttClientOptions options = ClientOptions(memberId);
        options.CleanStart = false;
        options.SessionExpirySeconds = _mqtt.SessionExpirySeconds;
        options.ManualAcknowledgement = true;
        // A member coming back takes its session from us (reason 0x8E): we must not take it back.
        options.AutoReconnect = false;
        options.ReceiveMaximum = 1000;
        options.IncomingQueueCapacity = 2000;
        await using var client = new MqttClient(options, _loggers.CreateLogger<MqttClient>(), _time);
        MqttConnectResult connected = await client.ConnectAsync(ct).ConfigureAwait(false);
        if (!connected.SessionPresent)
        {
            LogNoSession(_logger, memberId);
            await client.DisconnectAsync(ct: ct).ConfigureAwait(false);
            return 0;
        }

        Interlocked.Increment(ref _takeovers);
        LogTakingOver(_logger, memberId);
        var pass = new Pass(client, _time.GetTimestamp());
        lock (_active) _active.Add(pass);
        try
        {
            using var pumping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task pump = PumpAsync(client.Messages, _ingest, pumping.Token, () =>
            {
                Interlocked.Increment(ref pass.Received);
                Volatile.Write(ref pass.LastActivity, _time.GetTimestamp());
            });
            // No new message into the dead member's session; what it queued is still delivered.
            await client.UnsubscribeAsync([.. GatewayService.Subscriptions(_mqtt.SharedGroup).Select(s => s.TopicFilter)], ct).ConfigureAwait(false);
            TimeSpan poll = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(20).Ticks, _mqtt.TakeoverQuiet.Ticks / 10));
            while (client.IsConnected)
            {
                await Task.Delay(poll, _time, ct).ConfigureAwait(false);
                bool settled = Interlocked.Read(ref pass.Acknowledged) == Interlocked.Read(ref pass.Received);
                if (settled && _time.GetElapsedTime(Volatile.Read(ref pass.LastActivity)) >= _mqtt.TakeoverQuiet) break;
            }

            await pumping.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            bool kept = client.IsConnected;
            // A normal DISCONNECT: the session stays with its expiry, holding whatever was not acknowledged.
            await client.DisconnectAsync(ct: ct).ConfigureAwait(false);
            long acknowledged = Interlocked.Read(ref pass.Acknowledged);
            if (kept) LogDrained(_logger, memberId, acknowledged);
            else LogTakenBack(_logger, memberId, acknowledged);
            return acknowledged;
        }
        finally
        {
            lock (_active) _active.Remove(pass);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] passes;
        lock (_passes) passes = [.. _passes];
        foreach (Task task in passes.Append(_ticking).Append(_watching))
        {
            try { await task.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }

        if (_watch is not null) await _watch.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>One takeover connection and its counts (fields, for Interlocked).</summary>
    private sealed class Pass(MqttClient client, long started)
    {
        public readonly MqttClient Client = client;
        public long Received;
        public long Acknowledged;
        public long LastActivity = started;
    }

    [LoggerMessage(EventId = 420, Level = LogLevel.Warning, Message = "Group member {Member} is offline; its queue is taken over after {After} unless it returns")]
    private static partial void LogMemberOffline(ILogger logger, string member, TimeSpan after);

    [LoggerMessage(EventId = 421, Level = LogLevel.Information, Message = "Group member {Member} is online")]
    private static partial void LogMemberOnline(ILogger logger, string member);

    [LoggerMessage(EventId = 422, Level = LogLevel.Warning, Message = "Taking over the session of group member {Member}: draining its queue into this gateway's spool")]
    private static partial void LogTakingOver(ILogger logger, string member);

    [LoggerMessage(EventId = 423, Level = LogLevel.Information, Message = "Drained {Messages} message(s) of group member {Member}; its session stays, unsubscribed, for its return")]
    private static partial void LogDrained(ILogger logger, string member, long messages);

    [LoggerMessage(EventId = 424, Level = LogLevel.Information, Message = "Group member {Member} took its session back after {Messages} message(s) were drained")]
    private static partial void LogTakenBack(ILogger logger, string member, long messages);

    [LoggerMessage(EventId = 425, Level = LogLevel.Information, Message = "Group member {Member} has no session on the broker: nothing to take over")]
    private static partial void LogNoSession(ILogger logger, string member);

    [LoggerMessage(EventId = 426, Level = LogLevel.Error, Message = "Taking over group member {Member} failed: {Reason}; tried again")]
    private static partial void LogTakeoverFailed(ILogger logger, string member, string reason);

    [LoggerMessage(EventId = 427, Level = LogLevel.Error, Message = "Watching the group's statuses failed: {Reason}; no takeover until the gateway restarts")]
    private static partial void LogWatchFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 428, Level = LogLevel.Warning, Message = "Announcing this gateway online to its group failed: {Reason}")]
    private static partial void LogAnnounceFailed(ILogger logger, string reason);
}
