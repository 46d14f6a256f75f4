using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Alerts.Payloads;

/// <summary>The JSON bodies the sinks send: the 4.5 event, the retained summary, the project's webhook body, DCSA.</summary>
public static class AlertJson
{
    /// <summary>The CloudEvents type of DCSA's Operational Reefer Notification (dcsaorg/DCSA-OpenAPI rmo/notification/v1).</summary>
    public const string DcsaType = "org.dcsa.operational-reefer-notification.v1";

    /// <summary>protocol.md 4.5; null for a transition that is no 4.5 event (an acknowledgement).</summary>
    public static byte[]? Event(AlertNotification notification)
    {
        if (AlertWire.EventState(notification.Transition) is not { } state) return null;
        return Write(w => WriteEvent(w, notification, state));
    }

    /// <summary>
    /// The retained summary: <c>{"v":1,"ts":..,"open":[..]}</c>, each item the alert as it stands (open or
    /// acknowledged), newest raise first so a truncating reader keeps the recent ones.
    /// </summary>
    public static byte[] OpenAlerts(IEnumerable<Alert> alerts, DateTimeOffset at) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("v", 1);
        w.WriteNumber("ts", at.ToUnixTimeMilliseconds());
        w.WriteStartArray("open");
        foreach (Alert alert in alerts.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("id", AlertWire.Id(alert));
            w.WriteString("kind", alert.Kind);
            w.WriteString("state", AlertWire.StateName(alert.State));
            w.WriteString("severity", AlertWire.SeverityName(alert.Severity));
            WriteOptional(w, "tag", AlertWire.Tag(alert));
            WriteOptional(w, "band", alert.Band);
            WriteNumberOrNull(w, "value", alert.Value);
            WriteNumberOrNull(w, "limit", alert.Limit);
            w.WriteNumber("since", alert.Since.ToUnixTimeMilliseconds());
            w.WriteNumber("raised", alert.RaisedAt.ToUnixTimeMilliseconds());
            if (alert.AcknowledgedBy is { } by) w.WriteString("by", by);
            if (alert.AcknowledgedAt is { } ackAt) w.WriteNumber("ack", ackAt.ToUnixTimeMilliseconds());
            w.WriteString("msg", AlertWire.Message(alert));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>
    /// The project's webhook body: the 4.5 event fields (state as there, acknowledged added) plus what a receiver without
    /// the topic needs: fleet, container, the transition and the alert's severity, band, lateness and acknowledgement.
    /// </summary>
    public static byte[] TrackingWebhook(AlertNotification notification) => Write(w =>
    {
        Alert alert = notification.Alert;
        string state = AlertWire.EventState(notification.Transition) ?? "acknowledged";
        w.WriteStartObject();
        WriteEventFields(w, notification, state);
        w.WriteString("fleet", alert.Container.Fleet);
        w.WriteString("container", alert.Container.Container);
        w.WriteString("transition", AlertWire.TransitionName(notification.Transition));
        w.WriteString("severity", AlertWire.SeverityName(alert.Severity));
        WriteOptional(w, "band", alert.Band);
        w.WriteNumber("late_s", (long)alert.Late.TotalSeconds);
        w.WriteNumber("escalations", alert.Escalations);
        WriteOptional(w, "by", alert.AcknowledgedBy);
        WriteOptional(w, "note", alert.AcknowledgeNote);
        w.WriteEndObject();
    });

    /// <summary>
    /// A predictive warning as an event on the 4.5 topic (protocol.md 4.5, "Predictive warnings"): the 4.5 fields with
    /// state <c>warning</c> or <c>warning_ended</c>, kind the alarm's, <c>value</c> the trend's level, <c>since</c> the
    /// issue time; plus <c>band</c>, <c>severity</c> (the alarm's), <c>breach_at</c> and <c>alarm_at</c> (Unix ms, device
    /// time), <c>slope_per_h</c>, and <c>reason</c> (<c>alarm_fired</c>, <c>trend_changed</c>, <c>profile_changed</c> or <c>trips_changed</c>) when it ended.
    /// </summary>
    public static byte[] Warning(WarningNotification notification) => Write(w =>
    {
        w.WriteStartObject();
        WriteWarningFields(w, notification);
        w.WriteEndObject();
    });

    /// <summary>The project's webhook body of a warning: <see cref="Warning"/> plus fleet, container and <c>transition</c>
    /// (<c>warning_issued</c>, <c>warning_ended</c>).</summary>
    public static byte[] TrackingWarningWebhook(WarningNotification notification) => Write(w =>
    {
        w.WriteStartObject();
        WriteWarningFields(w, notification);
        w.WriteString("fleet", notification.Warning.Container.Fleet);
        w.WriteString("container", notification.Warning.Container.Container);
        w.WriteString("transition", notification.Transition == WarningTransition.Issued ? "warning_issued" : "warning_ended");
        w.WriteEndObject();
    });

    private static void WriteWarningFields(Utf8JsonWriter w, WarningNotification notification)
    {
        PredictiveWarning warning = notification.Warning;
        w.WriteNumber("v", 1);
        w.WriteString("id", AlertWire.WarningId(warning));
        w.WriteNumber("ts", notification.At.ToUnixTimeMilliseconds());
        w.WriteString("kind", warning.Kind);
        w.WriteString("state", AlertWire.WarningState(notification.Transition));
        w.WriteString("tag", warning.Tag);
        WriteNumberOrNull(w, "value", warning.Level);
        WriteNumberOrNull(w, "limit", warning.Limit);
        w.WriteNumber("since", warning.IssuedAt.ToUnixTimeMilliseconds());
        w.WriteString("msg", AlertWire.WarningMessage(notification));
        w.WriteString("band", warning.Band);
        w.WriteString("severity", AlertWire.SeverityName(warning.Severity));
        w.WriteNumber("breach_at", warning.PredictedBreach.ToUnixTimeMilliseconds());
        w.WriteNumber("alarm_at", warning.PredictedAlarm.ToUnixTimeMilliseconds());
        WriteNumberOrNull(w, "slope_per_h", Math.Round(warning.SlopePerHour, 4));
        WriteOptional(w, "reason", notification.Reason);
    }

    /// <summary>
    /// DCSA Operational Reefer Notification 1.0.0 (dcsaorg/DCSA-OpenAPI, rmo/notification/v1/rmo_ntf_v1.0.0.yaml): a
    /// CloudEvents 1.0 envelope whose data has notificationType ALARM, equipmentReference (the ISO 6346 number) and
    /// alarm{alarmStatus ACTIVE|INACTIVE, alarmNumber, alarmSeverity CRITICAL|ALARM|WARNING|LOG}.
    /// </summary>
    public static byte[] Dcsa(AlertNotification notification, string source) => Write(w =>
    {
        Alert alert = notification.Alert;
        w.WriteStartObject();
        w.WriteString("specversion", "1.0");
        w.WriteString("id", DcsaEventId(notification));
        w.WriteString("source", source);
        w.WriteString("type", DcsaType);
        w.WriteString("time", notification.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("datacontenttype", "application/json");
        w.WriteStartObject("data");
        w.WriteString("notificationType", "ALARM");
        w.WriteString("reason", Truncate(AlertWire.Message(alert), 5000));
        w.WriteString("equipmentReference", alert.Container.Container);
        w.WriteStartObject("alarm");
        w.WriteString("alarmStatus", notification.Transition == AlertTransition.Resolved ? "INACTIVE" : "ACTIVE");
        // "Alarm code provided by manufacturer": ours is the protocol kind, the one code a receiver can act on.
        w.WriteString("alarmNumber", alert.Kind);
        w.WriteString("alarmSeverity", alert.Severity switch
        {
            Severity.Info => "LOG",
            Severity.Warning => "WARNING",
            Severity.Alarm => "ALARM",
            _ => "CRITICAL",
        });
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// CloudEvents: source + id unique per event, the same for a re-sent one; DCSA caps id at 100 characters. A hash of
    /// the alert id, the transition and its time is both, whatever the length of the key.
    /// </summary>
    public static string DcsaEventId(AlertNotification notification)
    {
        string material = $"{AlertWire.Id(notification.Alert)}|{AlertWire.TransitionName(notification.Transition)}|{notification.At.ToUnixTimeMilliseconds()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)))[..32];
    }

    private static void WriteEvent(Utf8JsonWriter w, AlertNotification notification, string state)
    {
        w.WriteStartObject();
        WriteEventFields(w, notification, state);
        w.WriteEndObject();
    }

    /// <summary>The 4.5 fields, in the order of its table.</summary>
    private static void WriteEventFields(Utf8JsonWriter w, AlertNotification notification, string state)
    {
        Alert alert = notification.Alert;
        w.WriteNumber("v", 1);
        w.WriteString("id", AlertWire.Id(alert));
        w.WriteNumber("ts", notification.At.ToUnixTimeMilliseconds());
        w.WriteString("kind", alert.Kind);
        w.WriteString("state", state);
        WriteOptional(w, "tag", AlertWire.Tag(alert));
        WriteNumberOrNull(w, "value", alert.Value);
        WriteNumberOrNull(w, "limit", alert.Limit);
        w.WriteNumber("since", alert.Since.ToUnixTimeMilliseconds());
        w.WriteString("msg", AlertWire.Message(alert));
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (AlertWire.Finite(value) is { } v) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
