using System.Text;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// Turns a spool record back into its validated message: the stored topic and payload decoded again with the stored
/// arrival time, so every reader of the spool (writer, dedupe refill) sees exactly what ingest accepted.
/// </summary>
public sealed class SpoolRecordDecoder(bool strictContainerIds)
{
    // Records repeat a few topics (one per tag and kind): reuse their strings instead of decoding one per record.
    private const int MaxCachedTopics = 16_384;
    private const int MaxCachedTopicChars = 256;
    private readonly MessageDecoder _decoder = new();
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);

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

        topicText = TopicText(topicBytes);
        return TrackingTopic.TryParse(topicText, strictContainerIds, out topic, out rejection)
            && _decoder.TryDecode(topic, payload, arrivalMs, out rejection);
    }

    private string TopicText(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedTopicChars) return Encoding.UTF8.GetString(utf8);
        Span<char> chars = stackalloc char[MaxCachedTopicChars];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..length], out string? cached)) return cached;
        if (_topics.Count >= MaxCachedTopics) _topics.Clear();
        string text = new(chars[..length]);
        _topics.Add(text);
        return text;
    }
}
