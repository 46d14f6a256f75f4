using Tracking.Gateway.Ingest.Decoding;
using Tracking.Influx.LineProtocol;

namespace Tracking.Gateway.Ingest.Schema;

/// <summary>
/// The InfluxDB schema (docs/protocol.md section 10): each validated message becomes points tagged
/// fleet/container/tag, each at its reading's own time in ms, so writing a message twice overwrites itself.
/// </summary>
public static class InfluxLines
{
    public const string Env = "env", Shock = "shock", TagEvent = "tag_event", TagStatus = "tag_status", Alert = "alert", Gateway = "gateway";

    /// <summary>The unit of every timestamp <see cref="Append"/> writes (section 10: ms precision).</summary>
    public const WritePrecision Precision = WritePrecision.Milliseconds;

    /// <summary>First and last instant InfluxDB can store, in Unix ms: 1677-09-21T00:12:43.146Z and
    /// 2262-04-11T23:47:16.854Z. Every time a message yields (t0/ts, t0 + offset, arrival − a0 + offset) must lie
    /// inside (protocol.md section 5).</summary>
    public static readonly long MinTimeMs = LineProtocolValues.MinTimestamp(Precision), MaxTimeMs = LineProtocolValues.MaxTimestamp(Precision);

    /// <summary>
    /// Whether <see cref="Append"/> can write every point of <paramref name="m"/>, asked of the line-protocol library's
    /// own checks (the one implementation of what it refuses), so that ingest acknowledges only what is storable.
    /// Identifiers and numbers are storable by the decoder's rules (charsets, finite ranges); times and free text are
    /// what can still fail.
    /// </summary>
    public static bool IsStorable(in TrackingTopic topic, DecodedMessage m, long arrivalMs, out Rejection rejection)
    {
        rejection = default;
        string? problem = LineProtocolValues.TagValueProblem(topic.Fleet) ?? LineProtocolValues.TagValueProblem(topic.Container)
            ?? LineProtocolValues.TagValueProblem(topic.Tag);
        if (problem is not null) return NotStorable("topic id " + problem, out rejection);
        switch (m.Kind)
        {
            case MessageKind.Telemetry:
                // Offsets increase, so the first and last readings bound every reading's time.
                long last = m.ReadingCount == 0 ? m.TimeMs : m.TimeMs + m.Readings[^1].OffsetMs;
                return TimeStorable(m.TimeMs, out rejection) && TimeStorable(last, out rejection);
            case MessageKind.Event:
                return TimeStorable(m.TimeMs, out rejection);
            case MessageKind.Status:
                if (m.TagRemoved) return true;
                problem = (m.Firmware is null ? null : LineProtocolValues.StringFieldProblem(m.Firmware))
                    ?? (m.ConfigError is null ? null : LineProtocolValues.StringFieldProblem(m.ConfigError))
                    ?? (m.SensorError is null ? null : LineProtocolValues.StringFieldProblem(m.SensorError));
                return problem is null ? TimeStorable(arrivalMs, out rejection) : NotStorable("fw, cfg_err or sensor_err " + problem, out rejection);
            default:
                return true;
        }
    }

    private static bool TimeStorable(long ms, out Rejection rejection)
    {
        rejection = default;
        return LineProtocolValues.IsTimestampInRange(ms, Precision)
            || NotStorable($"time {ms} ms outside InfluxDB's range {MinTimeMs}..{MaxTimeMs} (1677-09-21..2262-04-11)", out rejection);
    }

    private static bool NotStorable(string detail, out Rejection rejection)
    {
        rejection = new Rejection(RejectReason.NotStorable, detail);
        return false;
    }

    /// <summary>Appends the points of <paramref name="m"/>; returns how many lines were added.</summary>
    public static int Append(LineProtocolBuffer buffer, in TrackingTopic topic, DecodedMessage m, long arrivalMs, long itemId)
    {
        switch (m.Kind)
        {
            case MessageKind.Telemetry:
                long seq = m.Seq;
                foreach (ref readonly Reading r in m.Readings)
                {
                    var line = Tags(buffer.BeginLine(Env, itemId), topic);
                    line = Optional(line, "temp_c", r.TemperatureC);
                    line = Optional(line, "rh_pct", r.HumidityPct);
                    line = Optional(line, "pressure_hpa", r.PressureHpa);
                    line = Optional(line, "peak_g", r.PeakG);
                    End(Counters(line, m, seq), m, seq++, m.TimeMs + r.OffsetMs);
                }

                return m.ReadingCount;
            case MessageKind.Event:
                var eventLine = m.EventKind == TagEventKind.Shock
                    ? Tags(buffer.BeginLine(Shock, itemId), topic).FloatField("g", m.EventValue)
                    // The kind is a tag so that two kinds at one instant are two points, not one overwriting the other.
                    : Tags(buffer.BeginLine(TagEvent, itemId), topic, KindName(m.EventKind)).FloatField("value", m.EventValue);
                End(Counters(eventLine, m, m.Seq), m, m.Seq, m.TimeMs);
                return 1;
            case MessageKind.Status when m.TagRemoved:
                return 0;
            case MessageKind.Status:
                var status = Tags(buffer.BeginLine(TagStatus, itemId), topic).BooleanField("online", m.Online);
                if (m.Firmware is not null) status = status.StringField("fw", m.Firmware);
                if (m.Boot >= 0) status = status.IntegerField("boot", m.Boot);
                status = Optional(status, "bat", m.BatteryV);
                status = Optional(status, "rssi", m.Rssi);
                status = Optional(status, "spool", m.SpoolDepth);
                status = Optional(status, "thinned", m.Thinned);
                status = Optional(status, "life_d", m.LifeDays);
                status = Optional(status, "report_s", m.ReportS);
                status = Optional(status, "wakes", m.Wakes);
                status = Optional(status, "radio_ms", m.RadioMs);
                status = Optional(status, "ev_drop", m.EventsDropped);
                if (m.ConfigError is not null) status = status.StringField("cfg_err", m.ConfigError);
                if (m.SensorError is not null) status = status.StringField("sensor_err", m.SensorError);
                // Section 10: a status is stored at the gateway's arrival time (it carries no time of its own).
                status.End(arrivalMs);
                return 1;
            default:
                return 0;
        }
    }

    public static string KindName(TagEventKind kind) => kind switch
    {
        TagEventKind.Shock => "shock",
        TagEventKind.TempHigh => "temp_high",
        TagEventKind.TempLow => "temp_low",
        _ => "battery_low",
    };

    /// <summary>The tag set in key order (InfluxDB sorts it anyway; sorted input saves it the work).</summary>
    private static LineBuilder Tags(LineBuilder line, in TrackingTopic topic, string? kind = null)
    {
        line = line.Tag("container", topic.Container).Tag("fleet", topic.Fleet);
        if (kind is not null) line = line.Tag("kind", kind);
        return line.Tag("tag", topic.Tag);
    }

    /// <summary>boot and seq integers, and <c>t_est=true</c> only for estimated times (section 10).</summary>
    private static LineBuilder Counters(LineBuilder line, DecodedMessage m, long seq)
    {
        line = line.IntegerField("boot", m.Boot).IntegerField("seq", seq);
        return m.TimeEstimated ? line.BooleanField("t_est", true) : line;
    }

    /// <summary>
    /// Where a reading or event lands. With t0/ts: its own time. With a0 the arrival-derived time differs on every copy
    /// (a broker redelivery arrives later; a tag resend carries another a0), so a copy the dedupe index has forgotten
    /// would be a second point: a0 points are stored at <see cref="A0Timestamp"/>, a time computed from (boot, seq)
    /// alone, and carry the arrival-derived estimate as the integer field <c>a0_time</c> (docs/protocol.md 7.1, 10).
    /// </summary>
    private static void End(LineBuilder line, DecodedMessage m, long seq, long timeMs)
    {
        if (m.ClockSynced) line.End(timeMs);
        else line.IntegerField(A0TimeField, timeMs).End(A0Timestamp(m.Boot, seq));
    }

    public const string A0TimeField = "a0_time";

    /// <summary>Bits of boot kept in an a0 timestamp: 21 + 32 bits of seq fit InfluxDB's earliest time (1677-09-21) in ms.</summary>
    public const int A0BootBits = 21;

    /// <summary>
    /// The storage time of an a0-timed reading or event: <c>-1 - ((boot mod 2^21) * 2^32 + seq)</c> Unix ms, before
    /// 1970, so it never meets a t0/ts point (those are 0 or later) and is the same for every copy of the reading.
    /// Boots 2^21 apart (two million cold boots) share timestamps.
    /// </summary>
    public static long A0Timestamp(long boot, long seq) =>
        -1 - (((boot & ((1L << A0BootBits) - 1)) << 32) | (seq & 0xFFFF_FFFFL));

    private static LineBuilder Optional(LineBuilder line, string key, double value) =>
        double.IsNaN(value) ? line : line.FloatField(key, value);

    private static LineBuilder Optional(LineBuilder line, string key, long? value) =>
        value is long v ? line.IntegerField(key, v) : line;
}
