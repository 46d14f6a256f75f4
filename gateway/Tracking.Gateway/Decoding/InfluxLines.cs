using Tracking.Influx.LineProtocol;

namespace Tracking.Gateway.Decoding;

/// <summary>
/// The InfluxDB schema (docs/protocol.md, "Storage"): each validated message becomes points tagged
/// fleet/container/tag, each at its reading's own time in ms, so writing a message twice overwrites itself.
/// </summary>
public static class InfluxLines
{
    public const string Env = "env", Shock = "shock", TagStatus = "tag_status", Alert = "alert", Gateway = "gateway";

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
                    line.IntegerField("boot", m.Boot).IntegerField("seq", seq++).End(m.TimeMs + r.OffsetMs);
                }

                return m.ReadingCount;
            case MessageKind.Event:
                if (m.EventKind == TagEventKind.Shock)
                {
                    Tags(buffer.BeginLine(Shock, itemId), topic)
                        .FloatField("g", m.EventValue).IntegerField("boot", m.Boot).IntegerField("seq", m.Seq).End(m.TimeMs);
                }
                else
                {
                    // Alerts raised by the tag itself; the kind is a tag so that different alerts at one instant do not overwrite each other.
                    var line = Tags(buffer.BeginLine(Alert, itemId), topic).Tag("kind", KindName(m.EventKind))
                        .StringField("source", "tag");
                    Optional(line, "value", m.EventValue).IntegerField("boot", m.Boot).IntegerField("seq", m.Seq).End(m.TimeMs);
                }

                return 1;
            case MessageKind.Status:
                var status = Tags(buffer.BeginLine(TagStatus, itemId), topic).BooleanField("online", m.Online);
                if (m.Firmware is not null) status = status.StringField("fw", m.Firmware);
                if (m.Boot >= 0) status = status.IntegerField("boot", m.Boot);
                status = Optional(status, "bat", m.BatteryV);
                if (m.Rssi is long rssi) status = status.IntegerField("rssi", rssi);
                if (m.SpoolDepth is long spool) status = status.IntegerField("spool", spool);
                if (m.Thinned is long thinned) status = status.IntegerField("thinned", thinned);
                if (m.LifeDays is long life) status = status.IntegerField("life_d", life);
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

    private static LineBuilder Tags(LineBuilder line, in TrackingTopic topic) =>
        line.Tag("container", topic.Container).Tag("fleet", topic.Fleet).Tag("tag", topic.Tag);

    private static LineBuilder Optional(LineBuilder line, string key, double value) =>
        double.IsNaN(value) ? line : line.FloatField(key, value);
}
