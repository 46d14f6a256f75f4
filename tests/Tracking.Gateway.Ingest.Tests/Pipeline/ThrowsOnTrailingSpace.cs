using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>The real decoder, except that it throws where the real one is proven total.</summary>
internal sealed class ThrowsOnTrailingSpace : IPayloadDecoder
{
    private readonly MessageDecoder _real = new();

    public DecodedMessage Message => _real.Message;

    public bool TryDecode(in TrackingTopic topic, ReadOnlySpan<byte> payload, long arrivalMs, out Rejection rejection)
    {
        if (payload[^1] == ' ') throw new InvalidOperationException("decoder bug");
        return _real.TryDecode(topic, payload, arrivalMs, out rejection);
    }
}
