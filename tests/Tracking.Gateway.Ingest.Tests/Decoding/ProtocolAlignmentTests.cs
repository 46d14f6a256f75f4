using System.Text;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Influx.LineProtocol;
using Tracking.Gateway.Ingest.Schema;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

/// <summary>The rules of docs/protocol.md sections 3, 4, 5, 8 and 10 that the schemas cannot express or that need exact values.</summary>
public class ProtocolAlignmentTests
{
    private const long Arrival = 1_732_600_100_000;
    private const string Tel = "tracking/v1/fleet1/CSQU3054383/tag7/telemetry";
    private const string Ev = "tracking/v1/fleet1/CSQU3054383/tag7/event";
    private const string St = "tracking/v1/fleet1/CSQU3054383/tag7/status";

    private static (bool Ok, Rejection Rejection, DecodedMessage Message) Decode(string topic, string payload)
    {
        var decoder = new MessageDecoder();
        Assert.True(TrackingTopic.TryParse(topic, true, out var t, out _));
        bool ok = decoder.TryDecode(t, Encoding.UTF8.GetBytes(payload), Arrival, out var rejection);
        return (ok, rejection, decoder.Message);
    }

    private static string Lines(string topic, string payload)
    {
        var decoder = new MessageDecoder();
        Assert.True(TrackingTopic.TryParse(topic, true, out var t, out _));
        Assert.True(decoder.TryDecode(t, Encoding.UTF8.GetBytes(payload), Arrival, out var rejection), rejection.ToString());
        using var buffer = new LineProtocolBuffer(WritePrecision.Milliseconds);
        InfluxLines.Append(buffer, t, decoder.Message, Arrival, 1);
        return Encoding.UTF8.GetString(buffer.WrittenMemory.Span);
    }

    [Theory]
    [InlineData("""{"v":1,"boot":3.0,"seq":6e2,"t0":1732600000000,"bat":3.92,"r":[[0,4.21,55.2,1013.2,0.12]]}""")]
    [InlineData("""{"v":1.0,"boot":3,"seq":120,"t0":0,"bat":null,"r":[[0,null,null,null,27.72]]}""")]
    [InlineData("""{"v":1,"boot":4294967295,"seq":4294967295,"a0":315360000000,"t_est":true,"bat":0,"r":[[0,-40,0,300,0]]}""")]
    [InlineData("""{"v":1,"boot":0,"seq":0,"t0":9221224553207,"bat":5,"r":[[0,85,100,1100,0],[2147483647,1,1,1000,0]],"new":{"a":[1,{"b":2}]}}""")]
    public void Valid_telemetry_at_the_edges_of_section_5_is_accepted(string payload)
    {
        var (ok, rejection, _) = Decode(Tel, payload);
        Assert.True(ok, rejection.ToString());
    }

    [Theory]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,27.73]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":4294967296,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"a0":315360000001,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[5,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0],[0,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0],[9,1,1,1000,0],[8,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0],[2147483648,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":4294967295,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0],[1,1,1,1000,0]]}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"r":[[0,1,1,1000,0]]}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"a0":5,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.BadJson)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"t_est":1,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.WrongType)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"seq":2,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.DuplicateField)]
    [InlineData("""{"v":1,"x":1,"boot":3,"seq":1,"x":2,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.DuplicateField)]
    [InlineData("""{"v":1,"boot":3,"seq":1.5,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", RejectReason.WrongType)]
    public void Telemetry_breaking_the_contract_is_rejected(string payload, RejectReason reason)
    {
        var (ok, rejection, _) = Decode(Tel, payload);
        Assert.False(ok);
        Assert.Equal(reason, rejection.Reason);
    }

    [Theory]
    [InlineData("""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"temp_high"}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"temp_high","temp":9.3}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"battery_low","temp_c":9.3}""", RejectReason.MissingField)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"temp_low","temp_c":85.5}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"shock","g":27.8}""", RejectReason.OutOfRange)]
    [InlineData("""{"v":1,"boot":3,"seq":1,"kind":"shock","g":2}""", RejectReason.MissingField)]
    public void Events_need_the_value_of_their_kind_in_range(string payload, RejectReason reason)
    {
        var (ok, rejection, _) = Decode(Ev, payload);
        Assert.False(ok);
        Assert.Equal(reason, rejection.Reason);
    }

    [Fact]
    public void Status_requires_the_online_fields_only_when_online_and_reads_the_optional_ones()
    {
        Assert.Equal(RejectReason.MissingField, Decode(St, """{"v":1,"online":true,"fw":"1.0.0"}""").Rejection.Reason);
        Assert.Equal(RejectReason.OutOfRange, Decode(St, """{"v":1,"online":false,"fw":"1.0 beta"}""").Rejection.Reason);
        Assert.Equal(RejectReason.OutOfRange, Decode(St, """{"v":1,"online":false,"rssi":-128}""").Rejection.Reason);
        Assert.Equal(RejectReason.OutOfRange, Decode(St, """{"v":1,"online":false,"life_d":-2}""").Rejection.Reason);
        Assert.Equal(RejectReason.OutOfRange, Decode(St, "{\"v\":1,\"online\":false,\"cfg_err\":\"" + new string('e', 121) + "\"}").Rejection.Reason);
        var (ok, rejection, m) = Decode(St, """{"v":1,"online":true,"fw":"1.2.3+b_4-rc","boot":3,"bat":null,"rssi":null,"spool":12,"thinned":0,"life_d":-1,"report_s":14400,"wakes":99,"radio_ms":12345,"ev_drop":2,"cfg_err":"t_lo >= t_hi"}""");
        Assert.True(ok, rejection.ToString());
        Assert.Null(m.Rssi);
        Assert.Equal(-1, m.LifeDays);
        Assert.Equal(14400, m.ReportS);
        Assert.Equal("t_lo >= t_hi", m.ConfigError);
        Assert.Null(m.SensorError);
        Assert.Equal(RejectReason.OutOfRange, Decode(St, "{\"v\":1,\"online\":false,\"sensor_err\":\"" + new string('e', 121) + "\"}").Rejection.Reason);
        Assert.Equal(RejectReason.WrongType, Decode(St, """{"v":1,"online":false,"sensor_err":5}""").Rejection.Reason);
        (ok, rejection, m) = Decode(St, """{"v":1,"online":false,"sensor_err":"bme280: chip id 0x58"}""");
        Assert.True(ok, rejection.ToString());
        Assert.Equal("bme280: chip id 0x58", m.SensorError);
        Assert.Null(m.ConfigError);
    }

    [Fact]
    public void Influx_points_follow_section_10()
    {
        Assert.Equal(
            "env,container=CSQU3054383,fleet=fleet1,tag=tag7 temp_c=4.21,rh_pct=55.2,pressure_hpa=1013.2,peak_g=0.12,boot=3i,seq=120i 1732600000000\n" +
            "env,container=CSQU3054383,fleet=fleet1,tag=tag7 temp_c=4.25,pressure_hpa=1013.1,peak_g=0.08,boot=3i,seq=121i 1732600300000\n",
            Lines(Tel, """{"v":1,"boot":3,"seq":120,"t0":1732600000000,"bat":3.92,"r":[[0,4.21,55.2,1013.2,0.12],[300000,4.25,null,1013.1,0.08]]}"""));
        Assert.Equal(
            "env,container=CSQU3054383,fleet=fleet1,tag=tag7 temp_c=1,boot=3i,seq=7i,t_est=true,a0_time=1732600095000i -12884901896\n",
            Lines(Tel, """{"v":1,"boot":3,"seq":7,"a0":5000,"t_est":true,"bat":null,"r":[[0,1,null,null,null]]}"""));
        Assert.Equal("shock,container=CSQU3054383,fleet=fleet1,tag=tag7 g=6.4,boot=3i,seq=121i 1732600123456\n",
            Lines(Ev, """{"v":1,"boot":3,"seq":121,"ts":1732600123456,"kind":"shock","g":6.4}"""));
        Assert.Equal("tag_event,container=CSQU3054383,fleet=fleet1,kind=temp_high,tag=tag7 value=9.3,boot=3i,seq=122i,t_est=true 1732600123456\n",
            Lines(Ev, """{"v":1,"boot":3,"seq":122,"ts":1732600123456,"t_est":true,"kind":"temp_high","temp_c":9.3,"g":1}"""));
        Assert.Equal("tag_event,container=CSQU3054383,fleet=fleet1,kind=battery_low,tag=tag7 value=3.3,boot=3i,seq=0i,a0_time=1732600099000i -12884901889\n",
            Lines(Ev, """{"v":1,"boot":3,"seq":0,"a0":1000,"kind":"battery_low","bat":3.3}"""));
        Assert.Equal("tag_status,container=CSQU3054383,fleet=fleet1,tag=tag7 online=true,fw=\"1.0.0\",boot=3i,bat=3.91,spool=12i,thinned=0i,life_d=410i,report_s=3600i,cfg_err=\"bad \\\"x\\\"\" " + Arrival + "\n",
            Lines(St, """{"v":1,"online":true,"fw":"1.0.0","boot":3,"bat":3.91,"rssi":null,"spool":12,"thinned":0,"life_d":410,"report_s":3600,"cfg_err":"bad \"x\""}"""));
        Assert.Equal("tag_status,container=CSQU3054383,fleet=fleet1,tag=tag7 online=false,sensor_err=\"adxl343: i2c\" " + Arrival + "\n",
            Lines(St, """{"v":1,"online":false,"sensor_err":"adxl343: i2c"}"""));
        Assert.Equal("tag_status,container=CSQU3054383,fleet=fleet1,tag=tag7 online=false " + Arrival + "\n", Lines(St, """{"v":1,"online":false}"""));
    }
}
