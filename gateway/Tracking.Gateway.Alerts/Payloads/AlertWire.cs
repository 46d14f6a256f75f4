using System.Text.RegularExpressions;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Alerts.Payloads;

/// <summary>How an <see cref="Alert"/> is named on the wire (docs/protocol.md 2 and 4.5).</summary>
public static partial class AlertWire
{
    /// <summary>protocol.md 4.5: <c>msg</c> is at most 256 characters.</summary>
    public const int MaxMessageLength = 256;

    /// <summary>The event topic of protocol.md 2.</summary>
    public static string EventTopic(ContainerKey container) => $"tracking/v1/{container.Fleet}/{container.Container}/alert";

    /// <summary>
    /// The retained summary of open alerts. Five levels like the event topic, so it can never be mistaken for a tag's
    /// topic (six levels, <c>{tag}/{type}</c>), which <c>.../alert/open</c> would be for a tag named <c>alert</c>.
    /// </summary>
    public static string OpenTopic(ContainerKey container) => $"tracking/v1/{container.Fleet}/{container.Container}/alerts";

    /// <summary>
    /// The protocol id: the rules' key (<c>{fleet}.{container}.{tag}.{kind}.{detail}</c>, stable across restarts and
    /// gateways) when it fits <c>[A-Za-z0-9_.:-]{1,128}</c>; else the store's id with the container and kind, which is
    /// as stable (one store) but names less.
    /// </summary>
    public static string Id(Alert alert) =>
        IdPattern().IsMatch(alert.Key) ? alert.Key : $"{alert.Container.Container}.{alert.Kind}.a{alert.Id}";

    /// <summary>
    /// A predictive warning's id: its key in the rule store (<see cref="WarningNotification.KeyOf"/>,
    /// <c>{fleet}.{container}.{tag}.{kind}.{band}.warn.{issued ms}</c>), the same for its issue and its end;
    /// <c>{container}.{kind}.warn.{issued ms}</c> when that breaks the 4.5 id pattern.
    /// </summary>
    public static string WarningId(PredictiveWarning w)
    {
        string id = WarningNotification.KeyOf(w);
        return IdPattern().IsMatch(id)
            ? id
            : FormattableString.Invariant($"{w.Container.Container}.{w.Kind}.warn.{w.IssuedAt.ToUnixTimeMilliseconds()}");
    }

    /// <summary>The 4.5 <c>state</c> of a warning event: <c>warning</c> when issued, <c>warning_ended</c> when it ends.</summary>
    public static string WarningState(WarningTransition transition) => transition == WarningTransition.Issued ? "warning" : "warning_ended";

    /// <summary>The warning in words, at most <see cref="MaxMessageLength"/>.</summary>
    public static string WarningMessage(WarningNotification n)
    {
        PredictiveWarning w = n.Warning;
        string text = n.Transition == WarningTransition.Issued
            ? FormattableString.Invariant(
                $"{w.Band}: trend {w.SlopePerHour:+0.##;-0.##} per hour reaches {w.Limit} at {w.PredictedBreach:yyyy-MM-ddTHH:mmZ}, alarm expected at {w.PredictedAlarm:yyyy-MM-ddTHH:mmZ}")
            : $"{w.Band}: predictive warning ended, " + (n.Reason == WarningNotification.AlarmFired ? "the alarm fired" : "the trend no longer reaches the alarm within the horizon");
        return text.Length <= MaxMessageLength ? text : text[..MaxMessageLength];
    }

    /// <summary>
    /// The tag the alert is about: <see cref="Alert.Tag"/>, which the engine sets; for an alert without it (made before
    /// the store kept tags, and not of a key the store's migration could read) the third part of the key (fleet and tag
    /// ids cannot contain a dot, protocol.md 2; container numbers neither); null when neither names one.
    /// </summary>
    public static string? Tag(Alert alert)
    {
        if (alert.Tag is not null) return alert.Tag;
        string[] parts = alert.Key.Split('.');
        return parts.Length >= 4 && parts[0] == alert.Container.Fleet && parts[1] == alert.Container.Container && parts[2].Length > 0
            ? parts[2]
            : null;
    }

    /// <summary>
    /// The 4.5 <c>state</c>: an escalation is the same alert raised again (same id, higher severity); an acknowledgement
    /// is no event at all (4.5 has only raised and cleared) and shows in the retained summary only.
    /// </summary>
    public static string? EventState(AlertTransition transition) => transition switch
    {
        AlertTransition.Raised or AlertTransition.Escalated => "raised",
        AlertTransition.Resolved => "cleared",
        _ => null,
    };

    public static string TransitionName(AlertTransition transition) => transition switch
    {
        AlertTransition.Raised => "raised",
        AlertTransition.Escalated => "escalated",
        AlertTransition.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    public static string StateName(AlertState state) => state switch
    {
        AlertState.Open => "open",
        AlertState.Acknowledged => "acknowledged",
        _ => "resolved",
    };

    public static string SeverityName(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        Severity.Alarm => "alarm",
        _ => "critical",
    };

    public static string Message(Alert alert) =>
        alert.Message.Length <= MaxMessageLength ? alert.Message : alert.Message[..MaxMessageLength];

    /// <summary>NaN and infinities are not JSON numbers (nor useful limits): they go out as null.</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
