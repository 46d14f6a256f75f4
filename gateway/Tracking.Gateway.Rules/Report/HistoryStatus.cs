namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// One `tag_status` point (arrival time, Unix ms): the firmware version and the tag's running count of readings dropped
/// by thinning (docs/protocol.md sections 4.3 and 11); null where the status did not carry them.
/// </summary>
public readonly record struct HistoryStatus(string Tag, long TimeMs, string? Firmware, long? Thinned);
