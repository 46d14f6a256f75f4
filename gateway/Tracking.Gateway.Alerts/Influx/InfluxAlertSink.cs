using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Payloads;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Alerts.Influx;

/// <summary>
/// Writes each notification as a point of measurement <c>alert</c> at the transition's time. Everything in the point
/// comes from the notification, so a replayed notification writes the same point again (overwrites it): idempotent.
/// Queued, so an InfluxDB outage (the writer retries) does not hold up the rules.
/// </summary>
public sealed class InfluxAlertSink : QueuedAlertSink
{
    /// <summary>docs/protocol.md 10 (the same name the ingest schema encoder declares).</summary>
    public const string Measurement = "alert";

    /// <summary>Predictive warnings, docs/protocol.md 10: apart from the alerts, which they are not.</summary>
    public const string WarningMeasurement = "warning";

    private readonly InfluxWriter _writer;
    private readonly ILogger _logger;
    private readonly bool _ownsWriter;

    /// <param name="ownsWriter">Dispose the writer with the sink (it was created for it).</param>
    public InfluxAlertSink(InfluxWriter writer, int queueCapacity = 10_000, ILogger<InfluxAlertSink>? logger = null, bool ownsWriter = false,
        TimeSpan drainTimeout = default, string? spillDirectory = null)
        : base("influx", queueCapacity, (ILogger?)logger ?? NullLogger.Instance, drainTimeout, spillDirectory)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>One line: tags fleet, container, tag (when known), kind, band (when set), severity; fields state, id,
    /// value, limit (when finite), late_s, msg, by (when acknowledged).</summary>
    public static void Append(LineProtocolBuffer lines, AlertNotification notification)
    {
        Alert alert = notification.Alert;
        LineBuilder line = lines.BeginLine(Measurement)
            .Tag("fleet", alert.Container.Fleet)
            .Tag("container", alert.Container.Container);
        if (AlertWire.Tag(alert) is { } tag) line = line.Tag("tag", tag);
        line = line.Tag("kind", alert.Kind);
        if (alert.Band is { Length: > 0 } band) line = line.Tag("band", band);
        line = line.Tag("severity", AlertWire.SeverityName(alert.Severity))
            .StringField("state", AlertWire.TransitionName(notification.Transition))
            .StringField("id", AlertWire.Id(alert));
        if (AlertWire.Finite(alert.Value) is { } value) line = line.FloatField("value", value);
        if (AlertWire.Finite(alert.Limit) is { } limit) line = line.FloatField("limit", limit);
        line = line.IntegerField("late_s", (long)alert.Late.TotalSeconds)
            .StringField("msg", AlertWire.Message(alert));
        if (alert.AcknowledgedBy is { } by) line = line.StringField("by", by);
        line.End(notification.At);
    }

    /// <summary>One line of measurement <c>warning</c> at the change's time: tags fleet, container, tag, kind, band, severity;
    /// fields state (issued, ended), id, limit, level, slope_per_h, breach_ms, alarm_ms (device time), reason (when ended), msg.</summary>
    public static void AppendWarning(LineProtocolBuffer lines, WarningNotification notification)
    {
        PredictiveWarning w = notification.Warning;
        LineBuilder line = lines.BeginLine(WarningMeasurement)
            .Tag("fleet", w.Container.Fleet)
            .Tag("container", w.Container.Container)
            .Tag("tag", w.Tag)
            .Tag("kind", w.Kind)
            .Tag("band", w.Band)
            .Tag("severity", AlertWire.SeverityName(w.Severity))
            .StringField("state", notification.Transition == WarningTransition.Issued ? "issued" : "ended")
            .StringField("id", AlertWire.WarningId(w));
        if (AlertWire.Finite(w.Limit) is { } limit) line = line.FloatField("limit", limit);
        if (AlertWire.Finite(w.Level) is { } level) line = line.FloatField("level", level);
        if (AlertWire.Finite(w.SlopePerHour) is { } slope) line = line.FloatField("slope_per_h", slope);
        line = line.IntegerField("breach_ms", w.PredictedBreach.ToUnixTimeMilliseconds())
            .IntegerField("alarm_ms", w.PredictedAlarm.ToUnixTimeMilliseconds());
        if (notification.Reason is { } reason) line = line.StringField("reason", reason);
        line.StringField("msg", AlertWire.WarningMessage(notification)).End(notification.At);
    }

    private protected override async Task DeliverWarningAsync(WarningNotification notification, CancellationToken ct)
    {
        using LineProtocolBuffer lines = _writer.CreateBuffer(512);
        AppendWarning(lines, notification);
        WriteResult result = await _writer.WriteAsync(lines, ct).ConfigureAwait(false);
        if (result.WrittenCount != 1) Log.InfluxNotWritten(_logger, AlertWire.WarningId(notification.Warning), result.ToString());
    }

    private protected override async Task DeliverAsync(AlertNotification notification, CancellationToken ct)
    {
        using LineProtocolBuffer lines = _writer.CreateBuffer(512);
        Append(lines, notification);
        WriteResult result = await _writer.WriteAsync(lines, ct).ConfigureAwait(false);
        if (result.WrittenCount != 1) Log.InfluxNotWritten(_logger, AlertWire.Id(notification.Alert), result.ToString());
    }

    private protected override void ReleaseResources()
    {
        if (_ownsWriter) _writer.Dispose();
    }
}
