using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Alerts;

/// <summary>
/// One alert. <see cref="Key"/> identifies what it is about (container, kind, band, start of the excursion in device
/// time), so a replay or a duplicate finds the alert already there instead of opening a second one.
/// </summary>
public sealed record Alert
{
    /// <summary>Assigned by the store.</summary>
    public long Id { get; init; }

    /// <summary>
    /// Assigned by the store: bumped by every write of the alert. <c>IRuleStore.UpdateAlertAsync</c> replaces only the
    /// version it was read at, so a read-modify-write that raced another writer fails instead of undoing it (issue 12).
    /// </summary>
    public long Version { get; init; }

    public required string Key { get; init; }
    public required ContainerKey Container { get; init; }

    /// <summary>The tag whose data raised it (every alert the engine raises is about one tag's stream); null for an alert of no tag.</summary>
    public string? Tag { get; init; }

    /// <summary>docs/protocol.md 4.5 kinds: temp_high, temp_low, rh_high, rh_low, shock, battery_low, tag_silent, mkt_high.</summary>
    public required string Kind { get; init; }

    /// <summary><see cref="Band.Name"/> for band alerts, else null.</summary>
    public string? Band { get; init; }

    public required Severity Severity { get; init; }
    public AlertState State { get; init; } = AlertState.Open;

    /// <summary>When the condition began, in device time (the excursion's first reading outside).</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>When the gateway raised it.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>How much later than the condition's alarm time it was raised because the data came late; zero when live.</summary>
    public TimeSpan Late { get; init; }

    public double? Value { get; init; }
    public double? Limit { get; init; }
    public string Message { get; init; } = "";

    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgeNote { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>How often it was escalated (re-notified with a higher severity) while nobody acknowledged it.</summary>
    public int Escalations { get; init; }
}
