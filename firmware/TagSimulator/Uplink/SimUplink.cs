using ContainerTag.Core.Hardware;
using TagSimulator.Models;
using TagSimulator.Time;

namespace TagSimulator.Uplink;

/// <summary>
/// One virtual tag's MQTT session over the shared transport. Real PUBACKs decide what was
/// acknowledged; the simulated clock advances by what the radio would spend on the device (Wi-Fi
/// association, DHCP, SNTP, round trips), drawn from the tag's own random source, so Core's radio-time
/// accounting sees realistic figures. Coverage gaps of the scenario make Connect fail after a scan.
/// </summary>
public sealed class SimUplink : IUplink
{
    /// <summary>Wi-Fi scan that finds no known network before the tag gives up.</summary>
    private const long FailedScanMs = 2500;

    /// <summary>
    /// How long after the connect the device keeps the radio up for an SNTP reply it has not seen (MqttUplink's
    /// SntpWaitMs, counted from the sync request at Wi-Fi bring-up).
    /// </summary>
    private const long SntpWaitMs = 15_000;

    private readonly int _tagIndex;
    private readonly IBrokerTransport _transport;
    private readonly TagScenario _scenario;
    private readonly SimClock _clock;
    private readonly Random _rng;
    private readonly Action<string, byte[]>? _onAcknowledged;
    private readonly List<(int Id, string Topic, byte[] Payload, Task<bool> Ack)> _session = [];
    private readonly HashSet<string> _subscribed = [];
    private bool _connected;
    private long _rttMs;
    private long _connectedAtUptime;
    private bool _awaitingSntp;
    private int _nextId;

    public SimUplink(int tagIndex, IBrokerTransport transport, TagScenario scenario, SimClock clock, Random rng,
        Action<string, byte[]>? onAcknowledged)
    {
        _tagIndex = tagIndex;
        _transport = transport;
        _scenario = scenario;
        _clock = clock;
        _rng = rng;
        _onAcknowledged = onAcknowledged;
    }

    /// <summary>Simulated radio-on time over the run, ms (failed scans included).</summary>
    public long RadioMs { get; private set; }

    public int Sessions { get; private set; }

    public int FailedConnects { get; private set; }

    /// <summary>Real wall-clock limit for PUBACKs (the broker is real); Core passes its own timeout too.</summary>
    public int RealTimeoutMs { get; set; } = 30_000;

    public int Rssi { get; private set; } = int.MinValue;

    public bool Connect(string clientId, string willTopic, byte[] willPayload)
    {
        long start = _clock.UptimeMs;
        if (_scenario.IsOffline(_clock.SimNowMs) || !_transport.IsConnected)
        {
            _clock.Advance(FailedScanMs + _rng.Next(0, 1000));
            RadioMs += _clock.UptimeMs - start;
            FailedConnects++;
            return false;
        }
        _rttMs = 30 + _rng.Next(0, 120);
        _clock.Advance(600 + _rng.Next(0, 900)); // association (WPA2 handshake)
        _clock.Advance(150 + _rng.Next(0, 350)); // DHCP
        // SNTP: a reply sets the clock; without one (scenario SntpOutages) an unsynced clock stays unsynced and
        // the session's readings go out with a0
        _awaitingSntp = !_clock.IsSynced && _scenario.IsSntpBlocked(_clock.SimNowMs);
        if (!_awaitingSntp)
        {
            _clock.Advance(_rttMs);
            _clock.Sync();
        }
        _clock.Advance(_rttMs + 5);              // CONNECT / CONNACK
        Rssi = -50 - _rng.Next(0, 40);
        _connected = true;
        _connectedAtUptime = start;
        _session.Clear();
        _subscribed.Clear();
        Sessions++;
        return true;
    }

    public bool Subscribe(string topic)
    {
        if (!_connected) return false;
        _clock.Advance(_rttMs);
        _subscribed.Add(topic);
        return true;
    }

    public int Publish(string topic, byte[] payload, int length, bool retain)
    {
        if (!_connected) return -1;
        byte[] copy = payload.AsSpan(0, length).ToArray();
        _clock.Advance(2 + length / 500); // ~4 Mbit/s effective with TCP/IP overhead
        _nextId = _nextId >= ushort.MaxValue ? 1 : _nextId + 1;
        _session.Add((_nextId, topic, copy, _transport.PublishAsync(_tagIndex, topic, copy, retain)));
        return _nextId;
    }

    public bool WaitForPublishes(int timeoutMs)
    {
        if (_session.Count == 0) return true;
        var pending = new List<Task>(_session.Count);
        foreach (var p in _session)
        {
            if (!p.Ack.IsCompleted) pending.Add(p.Ack);
        }
        bool done = pending.Count == 0 || Task.WaitAll([.. pending], Math.Max(timeoutMs, RealTimeoutMs));
        _clock.Advance(done ? _rttMs : timeoutMs);
        return done;
    }

    public PublishResult GetPublishResult(int messageId)
    {
        foreach (var p in _session)
        {
            if (p.Id != messageId) continue;
            if (!p.Ack.IsCompleted) return PublishResult.Pending;
            return p.Ack.IsCompletedSuccessfully && p.Ack.Result ? PublishResult.Published : PublishResult.Failed;
        }
        return PublishResult.Failed;
    }

    public byte[] TakeMessage(string topic)
    {
        // every session's SUBSCRIBE gets the retained config again; forget it after one take
        if (!_subscribed.Remove(topic)) return null!;
        return _transport.RetainedMessage(topic)!;
    }

    public void Disconnect()
    {
        if (!_connected) return;
        _clock.Advance(20);
        if (_awaitingSntp && _clock.UptimeMs < _connectedAtUptime + SntpWaitMs)
        {
            _clock.Advance(_connectedAtUptime + SntpWaitMs - _clock.UptimeMs); // the bounded wait for the reply
        }
        _connected = false;
        RadioMs += _clock.UptimeMs - _connectedAtUptime;
        if (_onAcknowledged is not null)
        {
            foreach (var p in _session)
            {
                if (p.Ack.IsCompletedSuccessfully && p.Ack.Result) _onAcknowledged(p.Topic, p.Payload);
            }
        }
        _session.Clear();
    }
}
