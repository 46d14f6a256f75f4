namespace Tracking.Gateway.Ingest.Decoding;

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
        RejectReason.RateLimited => "rate_limited",
        RejectReason.SenderMismatch => "sender_mismatch",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
