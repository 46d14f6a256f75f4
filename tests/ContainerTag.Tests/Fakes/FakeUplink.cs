using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

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
