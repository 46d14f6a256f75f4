using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>
/// A fake MQTT link that settles QoS 1 publishes the way nanoFramework.M2Mqtt 5.1.220 does
/// (<see cref="MqttClientRetry"/>, which cites the source): send, resend with DUP each time
/// <see cref="MqttClientRetry.DelayMs"/> passes without a PUBACK, after the last send's delay report
/// IsPublished=false; a PUBACK that comes later is an orphan and changes nothing. Time is the test's
/// <see cref="FakeClock"/>: <see cref="WaitForPublishes"/> moves it on as a blocked wait would.
/// The broker side keeps every packet that reached it, so a test can check what the broker eventually got.
/// </summary>
public sealed class M2MqttLink : IUplink
{
    private readonly FakeClock _clock;
    private readonly Dictionary<string, byte[]> _inbox = new();
    private readonly List<Flight> _session = new();
    private int _nextId = 1;
    private int _sessionIndex = -1;

    public M2MqttLink(FakeClock clock) => _clock = clock;

    /// <summary>
    /// Delay of the PUBACK for one send, by (session, publish order within the session, attempt 1..3); null
    /// when that PUBLISH or its PUBACK is lost. Default: 20 ms for every send.
    /// </summary>
    public Func<int, int, int, long?> PubackDelayMs { get; set; } = (_, _, _) => 20;

    /// <summary>Whether the PUBLISH of one send reaches the broker (session, order, attempt). Default: always.</summary>
    public Func<int, int, int, bool> Reaches { get; set; } = (_, _, _) => true;

    public bool ConnectSucceeds { get; set; } = true;

    /// <summary>Every packet that reached the broker, in the order sent.</summary>
    public List<BrokerCopy> Broker { get; } = new();

    /// <summary>Retained messages the broker holds, delivered on subscribe.</summary>
    public Dictionary<string, byte[]> Retained { get; } = new();

    /// <summary>What the client reported per message id (true = PUBACK, false = IsPublished=false).</summary>
    public Dictionary<int, bool> Reported { get; } = new();

    /// <summary>Uptime of each WaitForPublishes call's end, to check how long the session kept the radio on.</summary>
    public List<long> WaitEnds { get; } = new();

    public int Sessions => _sessionIndex + 1;

    public int Rssi => -70;

    public bool Connect(string clientId, string willTopic, byte[] willPayload)
    {
        if (!ConnectSucceeds)
        {
            return false;
        }
        _sessionIndex++;
        _session.Clear();
        _inbox.Clear();
        return true;
    }

    public bool Subscribe(string topic)
    {
        if (Retained.TryGetValue(topic, out var payload))
        {
            _inbox[topic] = payload;
        }
        return true;
    }

    public int Publish(string topic, byte[] payload, int length, bool retain)
    {
        var flight = new Flight(_nextId++, topic, payload.AsSpan(0, length).ToArray(), retain, _clock.NowMs);
        var order = _session.Count;
        // Walk the library's schedule: send k at first + (k-1) * delay unless a PUBACK came before it.
        for (var attempt = 1; attempt <= MqttClientRetry.Attempts; attempt++)
        {
            var sentAt = flight.FirstSendMs + (long)(attempt - 1) * MqttClientRetry.DelayMs;
            if (flight.AckAtMs <= sentAt)
            {
                break;
            }
            if (!Reaches(_sessionIndex, order, attempt))
            {
                continue;
            }
            flight.Sends.Add(new BrokerCopy(flight.Id, topic, flight.Payload, retain, attempt > 1, sentAt));
            var delay = PubackDelayMs(_sessionIndex, order, attempt);
            if (delay is { } d && sentAt + d < flight.AckAtMs)
            {
                flight.AckAtMs = sentAt + d;
            }
        }
        var giveUp = flight.FirstSendMs + MqttClientRetry.GiveUpMs;
        flight.Published = flight.AckAtMs < giveUp;
        flight.SettledAtMs = flight.Published ? flight.AckAtMs : giveUp;
        _session.Add(flight);
        return flight.Id;
    }

    public bool WaitForPublishes(int timeoutMs)
    {
        var deadline = _clock.NowMs + timeoutMs;
        var settled = _session.Count == 0 ? _clock.NowMs : _session.Max(f => f.SettledAtMs);
        var end = Math.Min(deadline, Math.Max(settled, _clock.NowMs));
        _clock.Run(end - _clock.NowMs);
        WaitEnds.Add(_clock.UptimeMs);
        return settled <= end;
    }

    public PublishResult GetPublishResult(int messageId)
    {
        var f = _session.SingleOrDefault(x => x.Id == messageId);
        if (f is null)
        {
            return PublishResult.Failed;
        }
        if (f.SettledAtMs > _clock.NowMs)
        {
            return PublishResult.Pending;
        }
        Reported[f.Id] = f.Published;
        return f.Published ? PublishResult.Published : PublishResult.Failed;
    }

    public byte[]? TakeMessage(string topic) => _inbox.Remove(topic, out var payload) ? payload : null;

    /// <summary>The sends scheduled before now reached the broker; the library's retries end with the session.</summary>
    public void Disconnect()
    {
        foreach (var f in _session)
        {
            foreach (var copy in f.Sends.Where(c => c.AtMs <= _clock.NowMs))
            {
                Broker.Add(copy);
                if (copy.Retain)
                {
                    Retained[copy.Topic] = copy.Payload;
                }
            }
        }
        _session.Clear();
    }

    public IEnumerable<BrokerCopy> On(string suffix) => Broker.Where(m => m.Topic.EndsWith(suffix, StringComparison.Ordinal));

    private sealed class Flight(int id, string topic, byte[] payload, bool retain, long firstSendMs)
    {
        public int Id { get; } = id;
        public string Topic { get; } = topic;
        public byte[] Payload { get; } = payload;
        public bool Retain { get; } = retain;
        public long FirstSendMs { get; } = firstSendMs;
        public long AckAtMs { get; set; } = long.MaxValue;
        public long SettledAtMs { get; set; }
        public bool Published { get; set; }
        public List<BrokerCopy> Sends { get; } = new();
    }
}
