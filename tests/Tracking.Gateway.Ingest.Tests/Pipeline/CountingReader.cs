using System.Threading.Channels;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>A channel reader that counts how often its consumer waits for data: each wait is a wake-up when data comes.</summary>
internal sealed class CountingReader(ChannelReader<MqttMessage> inner) : ChannelReader<MqttMessage>
{
    private int _waits;

    public int Waits => Volatile.Read(ref _waits);

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool TryRead(out MqttMessage item) => inner.TryRead(out item);

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _waits);
        return inner.WaitToReadAsync(cancellationToken);
    }
}
