namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// Turns a tag payload into a <see cref="DecodedMessage"/> or a <see cref="Rejection"/>: <see cref="MessageDecoder"/>
/// in production. The ingest stage depends on this narrow interface so that a test can hand it a decoder that fails
/// in ways the real one is proven not to.
/// </summary>
public interface IPayloadDecoder
{
    /// <summary>The message the last successful <see cref="TryDecode"/> produced; reused, valid until the next call.</summary>
    DecodedMessage Message { get; }

    bool TryDecode(in TrackingTopic topic, ReadOnlySpan<byte> payload, long arrivalMs, out Rejection rejection);
}
