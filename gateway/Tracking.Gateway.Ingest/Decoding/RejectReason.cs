namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>Why an incoming message was refused. Each has its own counter and metric label.</summary>
public enum RejectReason
{
    BadTopic,
    BadFleetId,
    BadContainerId,
    BadTagId,
    PayloadTooLarge,
    BadJson,
    UnsupportedVersion,
    MissingField,
    WrongType,
    OutOfRange,
    TooManyReadings,
    UnknownEventKind,
    DuplicateField,
    /// <summary>The payload is not valid UTF-8 (section 1).</summary>
    InvalidUtf8,
    /// <summary>A string (value or field name) escapes an unpaired UTF-16 surrogate, so it is not Unicode text (section 3).</summary>
    InvalidString,
    /// <summary>Valid by the contract's types but not writable to InfluxDB (a time outside 1677..2262, a control
    /// character in a string field): refused before acknowledging, never lost after it (sections 3, 5).</summary>
    NotStorable,
    /// <summary>Handling the message threw: a gateway bug, not the tag's fault. The message is dead-lettered and
    /// acknowledged, so that one message costs at most one delivery and never stops the gateway (issue 9).</summary>
    StageFault,
    /// <summary>Over the tag's rate limit (TagRateLimit): dead-lettered and acknowledged, so a flooding tag cannot hold
    /// the connection's in-flight window that the other tags share.</summary>
    RateLimited,
    /// <summary>The MQTT 5 user property <c>tracking-sender</c> names another tag than the topic (docs/security.md).</summary>
    SenderMismatch,
}
