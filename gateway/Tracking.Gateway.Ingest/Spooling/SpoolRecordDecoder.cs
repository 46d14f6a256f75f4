using System.Text;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// Turns a spool record back into its validated message, so every reader of the spool (writer, consumers, dedupe refill)
/// sees exactly what ingest accepted: a version 2 record's stored fields are read back (no JSON parsing); a version 1
/// record's payload is decoded again with the stored arrival time. The topic is checked again either way, so a
/// configuration change since (strict container ids) still applies.
/// </summary>
public sealed class SpoolRecordDecoder
{
    // Records repeat a few topics (one per tag and kind): reuse their strings and their parse (the id checks, an ISO 6346
    // check digit) instead of doing both for every record. The verdict depends only on the topic and on
    // strictContainerIds, which is fixed for this decoder, so a cached rejection is the one a fresh parse would give.
    private const int MaxCachedTopics = 16_384;
    private const int MaxCachedTopicChars = 256;
    private readonly MessageDecoder _decoder = new();
    private readonly bool _strictContainerIds;
    private readonly Dictionary<string, ParsedTopic> _topics = new(StringComparer.Ordinal);

    private readonly DecodedMessage _fields = new();
    private DecodedMessage _message;

    public SpoolRecordDecoder(bool strictContainerIds)
    {
        _strictContainerIds = strictContainerIds;
        _message = _fields;
    }

    /// <summary>The message of the last successful <see cref="TryDecode"/>; valid until the next call.</summary>
    public DecodedMessage Message => _message;

    /// <returns>False with <paramref name="rejection"/> when the record no longer decodes; <paramref name="topicText"/>
    /// is empty when the record itself is unreadable.</returns>
    public bool TryDecode(ReadOnlySpan<byte> record, out long arrivalMs, out string topicText, out TrackingTopic topic,
        out ReadOnlySpan<byte> payload, out Rejection rejection)
    {
        topic = default;
        if (!SpooledMessage.TryRead(record, out arrivalMs, out ReadOnlySpan<byte> topicBytes, out ReadOnlySpan<byte> fields, out payload))
        {
            topicText = "";
            payload = record;
            rejection = new Rejection(RejectReason.BadTopic, "spool record could not be parsed");
            return false;
        }

        ParsedTopic parsed = Parse(topicBytes);
        topicText = parsed.Text;
        topic = parsed.Topic;
        rejection = parsed.Rejection;
        if (!parsed.Valid) return false;
        if (fields.IsEmpty)
        {
            _message = _decoder.Message;
            return _decoder.TryDecode(topic, payload, arrivalMs, out rejection);
        }

        _message = _fields;
        if (DecodedFields.TryRead(fields, _fields) && _fields.Kind == topic.Kind) return true;
        // Damage the segment CRC did not catch, or a bug: the record as a whole is what gets dead-lettered.
        topicText = "";
        payload = record;
        rejection = new Rejection(RejectReason.BadTopic, "spool record's decoded fields could not be read");
        return false;
    }

    private ParsedTopic Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedTopicChars) return ParsedTopic.Of(Encoding.UTF8.GetString(utf8), _strictContainerIds);
        Span<char> chars = stackalloc char[MaxCachedTopicChars];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..length], out ParsedTopic cached)) return cached;
        if (_topics.Count >= MaxCachedTopics) _topics.Clear();
        ParsedTopic parsed = ParsedTopic.Of(new string(chars[..length]), _strictContainerIds);
        _topics.Add(parsed.Text, parsed);
        return parsed;
    }

    /// <summary>A topic's text and what <see cref="TrackingTopic.TryParse"/> made of it.</summary>
    private readonly record struct ParsedTopic(string Text, bool Valid, TrackingTopic Topic, Rejection Rejection)
    {
        public static ParsedTopic Of(string text, bool strictContainerIds)
        {
            bool valid = TrackingTopic.TryParse(text, strictContainerIds, out TrackingTopic topic, out Rejection rejection);
            return new ParsedTopic(text, valid, topic, rejection);
        }
    }
}
