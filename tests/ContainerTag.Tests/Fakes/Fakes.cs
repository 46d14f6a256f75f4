using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>Settable clock. A "reboot" restarts UptimeMs; a cold boot may also reset NowMs.</summary>
public sealed class FakeClock : IClock
{
    public long NowMs { get; set; } = 1_732_600_000_000;
    public bool IsSynced { get; set; } = true;
    public long UptimeMs { get; set; }

    /// <summary>Time passes while awake (both clocks move).</summary>
    public void Run(long ms)
    {
        NowMs += ms;
        UptimeMs += ms;
    }

    /// <summary>Deep sleep: the RTC keeps counting, the process restarts.</summary>
    public void Sleep(long ms)
    {
        NowMs += ms;
        UptimeMs = 0;
    }
}

public sealed class FakeEnvironment : IEnvironmentSensor
{
    public double Temperature = 4.21;
    public double Humidity = 55.2;
    public double Pressure = 1013.2;
    public int Reads;

    public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
    {
        Reads++;
        temperatureC = Temperature;
        humidityPct = Humidity;
        pressureHpa = Pressure;
    }
}

public sealed class FakeAccelerometer : IAccelerometer
{
    public double NextPeak = 0.12;
    public double ArmedThreshold = double.NaN;

    public double ReadPeakG()
    {
        var p = NextPeak;
        NextPeak = 0.05;
        return p;
    }

    public void ArmWake(double thresholdG) => ArmedThreshold = thresholdG;
}

public sealed class FakePower : IPower
{
    public double BatteryVolts { get; set; } = 3.92;
    public WakeCause Cause = WakeCause.PowerOn;
    public long LastSleepMs = -1;

    public WakeCause GetWakeCause() => Cause;

    public void DeepSleep(long durationMs) => LastSleepMs = durationMs;
}

public enum AckMode
{
    /// <summary>Every publish gets its PUBACK.</summary>
    All,

    /// <summary>No PUBACK arrives before the wait times out.</summary>
    None,

    /// <summary>The client reports IsPublished = false for every publish.</summary>
    Fail,
}

public sealed record Published(int Id, string Topic, byte[] Payload, bool Retain)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}

/// <summary>In-memory MQTT session with scriptable outcomes.</summary>
public sealed class FakeUplink : IUplink
{
    private readonly Dictionary<int, PublishResult> _results = new();
    private readonly Dictionary<string, byte[]> _inbox = new();
    private readonly HashSet<string> _subscribed = new();
    private int _nextId = 1;

    public bool ConnectSucceeds = true;
    public AckMode Mode = AckMode.All;

    /// <summary>Per-publish override, by order within the session (0-based): true = PUBACK, false = failed.</summary>
    public Func<int, Published, bool?>? Decide;

    /// <summary>Retained messages the broker holds, delivered on subscribe.</summary>
    public Dictionary<string, byte[]> Retained { get; } = new();

    public Action? OnConnect;
    public List<Published> Messages { get; } = new();
    public List<Published> Session { get; } = new();
    public int Connects;
    public bool Connected;
    public string? ClientId;
    public string? WillTopic;
    public byte[]? WillPayload;
    public int Rssi { get; set; } = -67;

    public bool Connect(string clientId, string willTopic, byte[] willPayload)
    {
        Connects++;
        OnConnect?.Invoke();
        if (!ConnectSucceeds)
        {
            return false;
        }
        Connected = true;
        ClientId = clientId;
        WillTopic = willTopic;
        WillPayload = willPayload;
        Session.Clear();
        _subscribed.Clear();
        _inbox.Clear();
        return true;
    }

    public bool Subscribe(string topic)
    {
        _subscribed.Add(topic);
        if (Retained.TryGetValue(topic, out var payload))
        {
            _inbox[topic] = payload;
        }
        return true;
    }

    public int Publish(string topic, byte[] payload, int length, bool retain)
    {
        var copy = payload.AsSpan(0, length).ToArray();
        var p = new Published(_nextId++, topic, copy, retain);
        var verdict = Decide?.Invoke(Session.Count, p);
        Session.Add(p);
        Messages.Add(p);
        _results[p.Id] = verdict switch
        {
            true => PublishResult.Published,
            false => PublishResult.Failed,
            null => Mode switch
            {
                AckMode.All => PublishResult.Published,
                AckMode.Fail => PublishResult.Failed,
                _ => PublishResult.Pending,
            },
        };
        if (retain && _results[p.Id] == PublishResult.Published)
        {
            Retained[topic] = copy;
        }
        return p.Id;
    }

    public bool WaitForPublishes(int timeoutMs) => _results.Values.All(r => r != PublishResult.Pending);

    public PublishResult GetPublishResult(int messageId) => _results.TryGetValue(messageId, out var r) ? r : PublishResult.Pending;

    public byte[]? TakeMessage(string topic)
    {
        if (_inbox.Remove(topic, out var payload))
        {
            return payload;
        }
        return null;
    }

    public void Disconnect() => Connected = false;

    public IEnumerable<Published> On(string suffix) => Messages.Where(m => m.Topic.EndsWith(suffix, StringComparison.Ordinal));
}

/// <summary>Memory flash that "loses power" after a number of mutating operations.</summary>
public sealed class CrashingStorage : MemoryStorage
{
    public int MutationsBeforeCrash = int.MaxValue;
    public int Mutations;

    private void Tick()
    {
        if (Mutations++ >= MutationsBeforeCrash)
        {
            throw new IOException("power cut");
        }
    }

    public override void Write(string name, byte[] data, int offset, int count) { Tick(); base.Write(name, data, offset, count); }

    public override void Append(string name, byte[] data, int offset, int count) { Tick(); base.Append(name, data, offset, count); }

    public override void Delete(string name) { Tick(); base.Delete(name); }
}
