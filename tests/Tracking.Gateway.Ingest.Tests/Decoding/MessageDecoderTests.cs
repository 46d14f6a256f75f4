using System.Text;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Testing.Payloads;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

public class MessageDecoderTests
{
    private const long Arrival = 1_732_600_100_000;
    private const string Telemetry = "tracking/v1/fleet-1/CSQU3054383/tag_7/telemetry";
    private const string Good = """{"v":1,"boot":3,"seq":120,"t0":1732600000000,"bat":3.92,"r":[[0,4.21,55.2,1013.2,0.12],[300000,4.25,null,1013.1,0.08]]}""";

    private static (bool Ok, Rejection Rejection, DecodedMessage Message) Decode(string topic, string payload, bool strict = true)
    {
        var decoder = new MessageDecoder();
        if (!TrackingTopic.TryParse(topic, strict, out var t, out var rejection)) return (false, rejection, decoder.Message);
        bool ok = decoder.TryDecode(t, Encoding.UTF8.GetBytes(payload), Arrival, out rejection);
        return (ok, rejection, decoder.Message);
    }

    [Fact]
    public void Telemetry_batch_decodes_with_exact_values()
    {
        var (ok, rejection, m) = Decode(Telemetry, Good);
        Assert.True(ok, rejection.ToString());
        Assert.Equal(3, m.Boot);
        Assert.Equal(120, m.Seq);
        Assert.Equal(1732600000000, m.TimeMs);
        Assert.Equal(3.92, m.BatteryV);
        Assert.Equal(2, m.ReadingCount);
        Assert.Equal(300000, m.Readings[1].OffsetMs);
        Assert.Equal(4.25, m.Readings[1].TemperatureC);
        Assert.True(double.IsNaN(m.Readings[1].HumidityPct));
    }

    [Fact]
    public void Age_instead_of_t0_derives_time_from_arrival()
    {
        var (ok, _, m) = Decode(Telemetry, """{"v":1,"boot":1,"seq":0,"a0":5000,"bat":null,"r":[[0,1,2,1000,0]],"extra":{"x":[1,2]}}""");
        Assert.True(ok);
        Assert.False(m.ClockSynced);
        Assert.Equal(Arrival - 5000, m.TimeMs);
    }

    [Fact]
    public void Event_and_status_decode()
    {
        var (ok, r, m) = Decode("tracking/v1/f/CSQU3054383/t/event", """{"v":1,"boot":3,"seq":121,"ts":1732600000500,"kind":"shock","g":6.4}""");
        Assert.True(ok, r.ToString());
        Assert.Equal(TagEventKind.Shock, m.EventKind);
        Assert.Equal(6.4, m.EventValue);
        (ok, r, m) = Decode("tracking/v1/f/CSQU3054383/t/status", """{"v":1,"online":true,"fw":"1.0.0","boot":3,"bat":3.91,"rssi":-67,"spool":12,"thinned":0,"life_d":410}""");
        Assert.True(ok, r.ToString());
        Assert.True(m.Online);
        Assert.Equal("1.0.0", m.Firmware);
        Assert.Equal(-67, m.Rssi);
        (ok, r, m) = Decode("tracking/v1/f/CSQU3054383/t/status", """{"v":1,"online":false}""");
        Assert.True(ok, r.ToString());
        Assert.False(m.Online);
    }

    [Theory]
    [InlineData("other/v1/f/CSQU3054383/t/telemetry", RejectReason.BadTopic)]
    [InlineData("tracking/v1/f/CSQU3054383/t/telemetry/x", RejectReason.BadTopic)]
    [InlineData("tracking/v1/f/CSQU3054383/t/weather", RejectReason.BadTopic)]
    [InlineData("tracking/v1/f!/CSQU3054383/t/telemetry", RejectReason.BadFleetId)]
    [InlineData("tracking/v1/f/CSQU3054384/t/telemetry", RejectReason.BadContainerId)]
    [InlineData("tracking/v1/f/CSQX3054383/t/telemetry", RejectReason.BadContainerId)]
    [InlineData("tracking/v1/f/CSQU3054383/t.t/telemetry", RejectReason.BadTagId)]
    public void Bad_topics_are_rejected_with_their_reason(string topic, RejectReason reason)
    {
        var (ok, rejection, _) = Decode(topic, Good);
        Assert.False(ok);
        Assert.Equal(reason, rejection.Reason);
    }

    [Fact]
    public void Lenient_container_ids_accept_the_id_charset()
    {
        Assert.True(Decode("tracking/v1/f/rig-01/t/telemetry", Good, strict: false).Ok);
        Assert.Equal(RejectReason.BadContainerId, Decode("tracking/v1/f/rig-01/t/telemetry", Good, strict: true).Rejection.Reason);
    }

    [Theory]
    [InlineData("{\"v\":1,", RejectReason.BadJson)]
    [InlineData("not json", RejectReason.BadJson)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,NaN,1,1000,0]]}""", RejectReason.BadJson)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]} x""", RejectReason.BadJson)]
    [InlineData("""[1,2]""", RejectReason.WrongType)]
    [InlineData("""{"v":2,"boot":3,"seq":1,"t0":1732600000000,"r":[[0,1,1,1000,0]]}""", RejectReason.UnsupportedVersion)]
    [InlineData("""{"v":1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[]}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":"3","seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.WrongType)]
    [InlineData("""{"v":1,"boot":3.5,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.WrongType)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,"1",1,1000,0]]}""", RejectReason.WrongType)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000]]}""", RejectReason.WrongType)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,85.1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,-40.5,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,100.1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,299,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,33]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":5.1,"r":[[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1e400,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]  // whole (section 3), beyond 64 bits
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":253402300800000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":-1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    public void Bad_telemetry_is_rejected_with_its_reason(string payload, RejectReason reason)
    {
        var (ok, rejection, _) = Decode(Telemetry, payload);
        Assert.False(ok);
        Assert.Equal(reason, rejection.Reason);
        Assert.False(string.IsNullOrEmpty(rejection.Detail));
    }

    private static string Batch(int readings, long seq = 1) => TelemetryPayloads.Batch(readings, seq);

    [Fact]
    public void Oversized_payload_and_too_many_readings_are_rejected()
    {
        string big = "{\"v\":1,\"pad\":\"" + new string('x', MessageDecoder.MaxPayloadBytes) + "\"}";
        Assert.Equal(RejectReason.PayloadTooLarge, Decode(Telemetry, big).Rejection.Reason);
        Assert.Equal(RejectReason.TooManyReadings, Decode(Telemetry, Batch(65)).Rejection.Reason);
        Assert.True(Decode(Telemetry, Batch(64)).Ok);
        string atLimit = "{\"v\":1,\"pad\":\"" + new string('x', MessageDecoder.MaxPayloadBytes - 16) + "\"}";
        Assert.Equal(MessageDecoder.MaxPayloadBytes, atLimit.Length);
        Assert.NotEqual(RejectReason.PayloadTooLarge, Decode(Telemetry, atLimit).Rejection.Reason);
    }

    [Fact]
    public void Unknown_event_kind_and_shock_without_g_are_rejected()
    {
        Assert.Equal(RejectReason.UnknownEventKind,
            Decode("tracking/v1/f/CSQU3054383/t/event", """{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"fire"}""").Rejection.Reason);
        Assert.Equal(RejectReason.MissingField,
            Decode("tracking/v1/f/CSQU3054383/t/event", """{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"shock"}""").Rejection.Reason);
        Assert.Equal(RejectReason.MissingField,
            Decode("tracking/v1/f/CSQU3054383/t/status", """{"v":1,"fw":"1"}""").Rejection.Reason);
    }

    [Theory]
    [InlineData("CSQU3054383", true)]
    [InlineData("MSKU9070323", true)]
    [InlineData("CSQU3054380", false)]
    [InlineData("csqu3054383", false)]
    [InlineData("CSQU305438", false)]
    public void Iso6346_check_digit(string id, bool valid) => Assert.Equal(valid, Identifiers.IsValidContainerNumber(id));
}
