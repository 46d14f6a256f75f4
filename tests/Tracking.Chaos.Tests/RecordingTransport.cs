using System.Collections.Concurrent;
using TagSimulator.Uplink;

namespace Tracking.Chaos.Tests;

/// <summary>
/// The simulator's transport with every acknowledged telemetry and event message kept, so a duplicate storm can send the
/// tags' whole backlog again exactly as it went out the first time.
/// </summary>
public sealed class RecordingTransport(IBrokerTransport inner) : IBrokerTransport
{
    private readonly ConcurrentQueue<(int TagIndex, string Topic, byte[] Payload)> _acknowledged = new();

    public bool IsConnected => inner.IsConnected;

    /// <summary>The acknowledged telemetry and event messages so far, in the order their PUBACKs came.</summary>
    public IReadOnlyList<(int TagIndex, string Topic, byte[] Payload)> Acknowledged => [.. _acknowledged];

    private int _messages;

    /// <summary>Every message the broker acknowledged (statuses too): what the gateway receives, at most.</summary>
    public int MessagesAcknowledged => Volatile.Read(ref _messages);

    public async Task<bool> PublishAsync(int tagIndex, string topic, byte[] payload, bool retain)
    {
        bool acked = await inner.PublishAsync(tagIndex, topic, payload, retain);
        if (acked) Interlocked.Increment(ref _messages);
        if (acked && !retain && (topic.EndsWith("/telemetry", StringComparison.Ordinal) || topic.EndsWith("/event", StringComparison.Ordinal)))
        {
            _acknowledged.Enqueue((tagIndex, topic, payload));
        }
        return acked;
    }

    public byte[]? RetainedMessage(string topic) => inner.RetainedMessage(topic);
}
