using System.Text;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// A <see cref="TagMessage"/> carries the status-only fields in one object that only status messages have: a status keeps
/// every one of them, a reading or event has none (and reads them as absent), so the common message is smaller.
/// </summary>
public sealed class TagMessageTests
{
    private const long Arrival = 1_732_600_100_000;

    private static TagMessage From(string topic, string payload)
    {
        var decoder = new MessageDecoder();
        Assert.True(TrackingTopic.TryParse(topic, true, out TrackingTopic t, out _));
        Assert.True(decoder.TryDecode(t, Encoding.UTF8.GetBytes(payload), Arrival, out Rejection rejection), rejection.ToString());
        return TagMessage.From(t, decoder.Message, Arrival);
    }

    [Fact]
    public void A_status_keeps_every_status_field()
    {
        TagMessage m = From("tracking/v1/f/CSQU3054383/t/status",
            """{"v":1,"online":true,"fw":"1.2.0","boot":3,"bat":3.91,"rssi":-67,"spool":12,"thinned":4,"life_d":410,"report_s":600,"cfg_err":"t_lo >= t_hi","sensor_err":"sht40"}""");

        Assert.NotNull(m.Status);
        Assert.Equal((true, "1.2.0", -67L, 12L, 4L, 410L, 600L, "t_lo >= t_hi", "sht40"),
            (m.Online, m.Firmware, m.Rssi, m.SpoolDepth, m.Thinned, m.LifeDays, m.ReportS, m.ConfigError, m.SensorError));
        Assert.Equal((3L, 3.91, Arrival), (m.Boot, m.BatteryV, m.TimeMs));
    }

    [Fact]
    public void A_reading_or_an_event_has_no_status_fields()
    {
        TagMessage telemetry = From("tracking/v1/f/CSQU3054383/t/telemetry",
            """{"v":1,"boot":3,"seq":7,"t0":1732600000000,"bat":3.9,"r":[[0,4.5,55,1013.2,0.1]]}""");
        TagMessage shock = From("tracking/v1/f/CSQU3054383/t/event", """{"v":1,"boot":3,"seq":8,"ts":1732600000500,"kind":"shock","g":3.2}""");

        foreach (TagMessage m in new[] { telemetry, shock })
        {
            Assert.Null(m.Status);
            Assert.Equal((false, null, null, null, null), (m.Online, m.Firmware, m.Rssi, m.ReportS, m.SensorError));
        }

        Assert.Equal((3.9, 4.5), (telemetry.BatteryV, telemetry.Readings[0].TemperatureC));
        Assert.Equal((TagEventKind.Shock, 3.2), (shock.EventKind, shock.EventValue));
    }
}
