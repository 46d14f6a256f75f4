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
}

public static class RejectReasons
{
    public static readonly RejectReason[] All = Enum.GetValues<RejectReason>();

    /// <summary>Stable snake_case name used in metrics, logs and dead letters.</summary>
    public static string Label(this RejectReason reason) => reason switch
    {
        RejectReason.BadTopic => "bad_topic",
        RejectReason.BadFleetId => "bad_fleet_id",
        RejectReason.BadContainerId => "bad_container_id",
        RejectReason.BadTagId => "bad_tag_id",
        RejectReason.PayloadTooLarge => "payload_too_large",
        RejectReason.BadJson => "bad_json",
        RejectReason.UnsupportedVersion => "unsupported_version",
        RejectReason.MissingField => "missing_field",
        RejectReason.WrongType => "wrong_type",
        RejectReason.OutOfRange => "out_of_range",
        RejectReason.TooManyReadings => "too_many_readings",
        RejectReason.UnknownEventKind => "unknown_event_kind",
        RejectReason.DuplicateField => "duplicate_field",
        RejectReason.InvalidUtf8 => "invalid_utf8",
        RejectReason.InvalidString => "invalid_string",
        RejectReason.NotStorable => "not_storable",
        RejectReason.StageFault => "stage_fault",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}

/// <summary>A refusal: the reason and a short human detail (which field, which value).</summary>
public readonly record struct Rejection(RejectReason Reason, string Detail)
{
    public override string ToString() => $"{Reason.Label()}: {Detail}";
}
