using System.Text;
using Tracking.Gateway.Decoding;

namespace Tracking.Gateway.Spooling;

/// <summary>
/// Turns a spool record back into its validated message: the stored topic and payload decoded again with the stored
/// arrival time, so every reader of the spool (writer, dedupe refill) sees exactly what ingest accepted.
/// </summary>
public sealed class SpoolRecordDecoder(bool strictContainerIds)
{
    private readonly MessageDecoder _decoder = new();

    /// <summary>The message of the last successful <see cref="TryDecode"/>; valid until the next call.</summary>
    public DecodedMessage Message => _decoder.Message;

    /// <returns>False with <paramref name="rejection"/> when the record no longer decodes; <paramref name="topicText"/>
    /// is empty when the record itself is unreadable.</returns>
    public bool TryDecode(ReadOnlySpan<byte> record, out long arrivalMs, out string topicText, out TrackingTopic topic,
        out ReadOnlySpan<byte> payload, out Rejection rejection)
    {
        topic = default;
        if (!SpooledMessage.TryRead(record, out arrivalMs, out ReadOnlySpan<byte> topicBytes, out payload))
        {
            topicText = "";
            payload = record;
            rejection = new Rejection(RejectReason.BadTopic, "spool record could not be parsed");
            return false;
        }

        topicText = Encoding.UTF8.GetString(topicBytes);
        return TrackingTopic.TryParse(topicText, strictContainerIds, out topic, out rejection)
            && _decoder.TryDecode(topic, payload, arrivalMs, out rejection);
    }
}
