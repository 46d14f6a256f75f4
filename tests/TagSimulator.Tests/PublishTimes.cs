using System.Collections.Concurrent;
using TagSimulator.Uplink;

namespace TagSimulator.Tests;

/// <summary>
/// A transport that notes, per tag, the wall-clock time (Unix ms) at which its last acknowledged publish was sent: what a
/// gateway-clock rule (tag silence) is judged against, since the simulator's own times are device times. The time is taken
/// before the publish, so no broker or gateway can have seen the message earlier.
/// </summary>
public sealed class PublishTimes(IBrokerTransport inner) : IBrokerTransport
{
    private readonly ConcurrentDictionary<int, long> _last = new();

    public bool IsConnected => inner.IsConnected;

    /// <summary>When tag <paramref name="tagIndex"/>'s last acknowledged publish was sent; null: none yet.</summary>
    public long? LastMs(int tagIndex) => _last.TryGetValue(tagIndex, out long ms) ? ms : null;

    public async Task<bool> PublishAsync(int tagIndex, string topic, byte[] payload, bool retain)
    {
        long sentMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        bool acknowledged = await inner.PublishAsync(tagIndex, topic, payload, retain);
        if (acknowledged) _last.AddOrUpdate(tagIndex, sentMs, (_, before) => Math.Max(before, sentMs));
        return acknowledged;
    }

    public byte[]? RetainedMessage(string topic) => inner.RetainedMessage(topic);
}
