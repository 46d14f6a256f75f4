using System.Collections.Concurrent;

namespace TagSimulator.Uplink;

/// <summary>
/// A broker in memory that acknowledges everything at once: for the model tests and the firmware
/// benchmark, which need the tags' behaviour without a network.
/// </summary>
public sealed class LoopbackTransport : IBrokerTransport
{
    private static readonly Task<bool> Acked = Task.FromResult(true);
    private readonly ConcurrentDictionary<string, byte[]> _retained = new();
    private long _messages;
    private long _bytes;

    public bool IsConnected => true;

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Observes every published message (called on the publishing tag's worker thread).</summary>
    public Action<int, string, byte[]>? OnPublish { get; set; }

    public Task<bool> PublishAsync(int tagIndex, string topic, byte[] payload, bool retain)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, payload.Length);
        OnPublish?.Invoke(tagIndex, topic, payload);
        return Acked;
    }

    /// <summary>Sets a retained message the tags will see after subscribing (e.g. a config).</summary>
    public void Retain(string topic, byte[] payload) => _retained[topic] = payload;

    public byte[]? RetainedMessage(string topic) => _retained.TryGetValue(topic, out var p) ? p : null;
}
