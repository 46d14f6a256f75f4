using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>
/// The device uplink's clock handling around a <see cref="FakeUplink"/>: Connect starts watching for a set and
/// takes <see cref="ConnectMs"/> (Wi-Fi, DHCP), <see cref="OnSubscribe"/> lets a test set the time mid-session, and
/// Disconnect waits, bounded, for a set not seen yet (firmware/ContainerTag/Adapters/MqttUplink.cs does the same).
/// </summary>
public sealed class SntpUplink(FakeUplink inner, SntpClock clock, FakeTimeSource source) : IUplink
{
    public const int WaitMs = 15_000;

    public long ConnectMs { get; set; } = 1_000;

    /// <summary>Called when the session subscribes, after Connect returned and before anything is published.</summary>
    public Action? OnSubscribe { get; set; }

    /// <summary>Wall time of the source when each message was published (the arrival time of a0 messages).</summary>
    public List<(Published Message, long WallMs)> Sent { get; } = new();

    public FakeUplink Inner => inner;

    public int Rssi => inner.Rssi;

    public bool Connect(string clientId, string willTopic, byte[] willPayload)
    {
        if (clock.ResyncDue)
        {
            clock.BeginSync();
        }
        source.Run(ConnectMs);
        return inner.Connect(clientId, willTopic, willPayload);
    }

    public bool Subscribe(string topic)
    {
        OnSubscribe?.Invoke();
        return inner.Subscribe(topic);
    }

    public int Publish(string topic, byte[] payload, int length, bool retain)
    {
        var id = inner.Publish(topic, payload, length, retain);
        Sent.Add((inner.Session[^1], source.WallMs));
        return id;
    }

    public bool WaitForPublishes(int timeoutMs) => inner.WaitForPublishes(timeoutMs);

    public PublishResult GetPublishResult(int messageId) => inner.GetPublishResult(messageId);

    public byte[]? TakeMessage(string topic) => inner.TakeMessage(topic);

    public void Disconnect()
    {
        inner.Disconnect();
        clock.WaitForSync(WaitMs);
    }
}
