using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;
using Tracking.Influx.LineProtocol;
using Tracking.Gateway.Ingest.Schema;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

/// <summary>Issue 9 items 1, 3 and 8: every input is a value or a rejection with a reason, and accepted means storable.</summary>
public class DecoderTotalityTests
{
    private const long Arrival = 1_732_600_100_000;
    private const string Tel = "tracking/v1/f/CSQU3054383/t/telemetry";
    private const string Ev = "tracking/v1/f/CSQU3054383/t/event";
    private const string St = "tracking/v1/f/CSQU3054383/t/status";
    private const string Cfg = "tracking/v1/f/CSQU3054383/t/config";

    private static readonly string[] Topics = [Tel, Ev, St, Cfg];

    private static readonly string[] Valid =
    [
        """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1],[300000,4.2,55,1013.1,0.08]]}""",
        """{"v":1,"boot":3,"seq":121,"ts":1732600123456,"kind":"shock","g":6.4}""",
        """{"v":1,"online":true,"fw":"1.0.0","boot":3,"bat":3.91,"rssi":-67,"spool":12,"thinned":0,"life_d":410,"cfg_err":"t_lo >= t_hi"}""",
    ];

    private static readonly byte[][] Insertions =
        [[0xFF], [0xC0], [0xC3], [0xED, 0xA0, 0x80], "\\uD800"u8.ToArray(), "\\uDC00"u8.ToArray(), "\\u0000"u8.ToArray(),
         "1e-400"u8.ToArray(), "1e400"u8.ToArray(), "9223372036854775808"u8.ToArray(), new string('[', 100).Select(c => (byte)c).ToArray(),
         "\""u8.ToArray(), "{"u8.ToArray(), ","u8.ToArray()];

    private static (bool Ok, Rejection Rejection, MessageDecoder Decoder) Decode(string topic, ReadOnlySpan<byte> payload)
    {
        Assert.True(TrackingTopic.TryParse(topic, true, out var t, out _));
        var decoder = new MessageDecoder();
        bool ok = decoder.TryDecode(t, payload, Arrival, out var rejection);
        return (ok, rejection, decoder);
    }

    private static bool Total(string topic, byte[] payload)
    {
        var (ok, rejection, _) = Decode(topic, payload);
        return ok || rejection.Detail.Length > 0; // reaching here means nothing was thrown
    }

    [Fact]
    public void The_issue_reproduction_is_rejected_with_a_reason()
    {
        byte[] payload = [.. """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]],"""u8, (byte)'"', 0xFF, .. "\":1}"u8];
        var (ok, rejection, _) = Decode("tracking/v1/f/CSQU3054383/t/telemetry", payload);
        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidUtf8, rejection.Reason);
    }

    [Theory]
    [InlineData(Tel, """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]],"\uD800":1}""")]
    [InlineData(Ev, """{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"shock\uDC00","g":6}""")]
    [InlineData(St, """{"v":1,"online":false,"fw":"1.0\uD83D"}""")]
    [InlineData(St, """{"v":1,"online":false,"cfg_err":"bad \uD800\u0041"}""")]
    public void Unpaired_surrogate_escapes_are_rejected_as_invalid_strings(string topic, string payload)
    {
        var (ok, rejection, _) = Decode(topic, Encoding.UTF8.GetBytes(payload));
        Assert.False(ok);
        Assert.Equal(RejectReason.InvalidString, rejection.Reason);
    }

    [Fact]
    public void A_paired_surrogate_escape_is_text()
    {
        var (ok, rejection, d) = Decode(St, Encoding.UTF8.GetBytes("""{"v":1,"online":false,"cfg_err":"x \uD83D\uDE00","\uD83D\uDE01":1}"""));
        Assert.True(ok, rejection.ToString());
        Assert.Equal("x \U0001F600", d.Message.ConfigError);
    }

    [Theory]
    [InlineData("""{"v":1,"boot":3,"seq":1e-400,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}""")]
    [InlineData("""{"v":1,"boot":3,"seq":120.00000000000000000000000000001,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}""")]
    [InlineData("""{"v":1,"boot":3,"seq":1,"t0":17326000000001e-1,"bat":3.9,"r":[[0,4,50,1000,0.1]]}""")]
    public void Numbers_that_are_not_whole_are_not_integers(string payload)
    {
        var (ok, rejection, _) = Decode(Tel, Encoding.UTF8.GetBytes(payload));
        Assert.False(ok);
        Assert.Equal(RejectReason.WrongType, rejection.Reason);
    }

    [Theory]
    [InlineData("120.000", 120)]
    [InlineData("1.2e2", 120)]
    [InlineData("12000e-2", 120)]
    [InlineData("0.0e-400", 0)]
    public void Whole_numbers_in_any_spelling_are_integers(string seq, long expected)
    {
        var (ok, rejection, d) = Decode(Tel, Encoding.UTF8.GetBytes($$"""{"v":1,"boot":3,"seq":{{seq}},"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}"""));
        Assert.True(ok, rejection.ToString());
        Assert.Equal(expected, d.Message.Seq);
    }

    [Fact]
    public void Unknown_fields_are_ignored_at_any_depth()
    {
        string deep = new string('[', 1000) + new string(']', 1000);
        var (ok, rejection, _) = Decode(Tel, Encoding.UTF8.GetBytes($$"""{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]],"x":{{deep}}}"""));
        Assert.True(ok, rejection.ToString());
    }

    [Fact]
    public void An_empty_status_is_a_tag_removal_not_an_error()
    {
        var (ok, _, d) = Decode(St, []);
        Assert.True(ok);
        Assert.True(d.Message.TagRemoved);
        Assert.Equal(RejectReason.BadJson, Decode(Tel, []).Rejection.Reason);
    }

    [Theory]
    [InlineData(Tel, """{"v":1,"boot":3,"seq":1,"t0":9223372036855,"bat":3.9,"r":[[0,4,50,1000,0.1]]}""")]
    [InlineData(Tel, """{"v":1,"boot":3,"seq":1,"t0":9223372036000,"bat":3.9,"r":[[0,4,50,1000,0.1],[1000,4,50,1000,0.1]]}""")]
    [InlineData(Ev, """{"v":1,"boot":3,"seq":1,"ts":253402300799999,"kind":"shock","g":6}""")]
    [InlineData(St, """{"v":1,"online":false,"cfg_err":"line\nbreak"}""")]
    [InlineData(St, """{"v":1,"online":false,"cfg_err":"nul\u0000"}""")]
    [InlineData(St, """{"v":1,"online":false,"sensor_err":"line\nbreak"}""")]
    [InlineData(St, """{"v":1,"online":false,"sensor_err":"del\u007F"}""")]
    public void What_InfluxDB_cannot_store_is_rejected_before_it_is_acknowledged(string topic, string payload)
    {
        var (ok, rejection, _) = Decode(topic, Encoding.UTF8.GetBytes(payload));
        Assert.False(ok);
        Assert.Equal(RejectReason.NotStorable, rejection.Reason);
    }

    [Fact]
    public void Decoder_limits_equal_writer_limits_equal_schema_limits()
    {
        // The writer's range, the decoder's bound (InfluxLines) and docs/schema's maximum are one number.
        Assert.Equal(LineProtocolValues.MaxTimestamp(WritePrecision.Milliseconds), InfluxLines.MaxTimeMs);
        Assert.True(LineProtocolValues.IsTimestampInRange(InfluxLines.MaxTimeMs, WritePrecision.Milliseconds));
        Assert.False(LineProtocolValues.IsTimestampInRange(InfluxLines.MaxTimeMs + 1, WritePrecision.Milliseconds));
        string common = File.ReadAllText(Tracking.Testing.RepoPaths.Of("docs", "schema", "common.schema.json"));
        Assert.Contains($"\"maximum\": {InfluxLines.MaxTimeMs}", common);
        string doc = File.ReadAllText(Tracking.Testing.RepoPaths.Of("docs", "protocol.md"));
        Assert.Contains(InfluxLines.MaxTimeMs.ToString("#,0").Replace(",", " "), doc);
        Assert.True(Decode(Tel, Encoding.UTF8.GetBytes($$"""{"v":1,"boot":3,"seq":1,"t0":{{InfluxLines.MaxTimeMs}},"bat":3.9,"r":[[0,4,50,1000,0.1]]}""")).Ok);
    }

    [Fact]
    public void Random_bytes_on_every_topic_are_a_value_or_a_rejection()
    {
        Prop.ForAll(Gen.Elements(Topics).ToArbitrary(), ArbMap.Default.ArbFor<byte[]>(), Total)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Fact]
    public void Mutations_of_valid_messages_are_a_value_or_a_rejection()
    {
        Gen<byte[]> mutated =
            from i in Gen.Choose(0, Valid.Length - 1)
            from ops in Gen.ListOf(Gen.Choose(0, 3).SelectMany(kind => Gen.Choose(0, 10_000).SelectMany(pos => Gen.Choose(0, 255).SelectMany(b =>
                Gen.Choose(0, Insertions.Length - 1).Select(ins => (kind, pos, b, ins))))))
            select Mutate(Encoding.UTF8.GetBytes(Valid[i]), ops);
        Prop.ForAll(Gen.Elements(Topics).ToArbitrary(), mutated.ToArbitrary(), Total)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
    }

    [Fact]
    public void Spool_records_of_any_bytes_are_a_value_or_a_rejection()
    {
        var decoder = new SpoolRecordDecoder(strictContainerIds: false);
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            bool ok = decoder.TryDecode(bytes, out _, out _, out _, out _, out Rejection rejection);
            return ok || rejection.Detail.Length > 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));

        // And corrupted real records.
        byte[] record = SpoolRecords.Of(Tel, Valid[0], Arrival);
        int length = record.Length;
        Gen<byte[]> corrupt = Gen.Choose(0, length - 1).SelectMany(pos => Gen.Choose(0, 255).Select(b =>
        {
            byte[] copy = record[..length];
            copy[pos] = (byte)b;
            return copy;
        }));
        Prop.ForAll(corrupt.ToArbitrary(), bytes =>
        {
            bool ok = decoder.TryDecode(bytes, out _, out _, out _, out _, out Rejection rejection);
            return ok || rejection.Detail.Length > 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Accepted_messages_with_hostile_strings_and_extreme_times_are_storable()
    {
        Gen<string> hostile = Gen.Elements("", "a", "\\u0000", "\\n", "\\u007f", "\\\"", "\\\\", "\\uD83D\\uDE00", "é", "\\u2028", "x\\ty", "=,  ");
        Gen<long> time = Gen.Elements(0L, 1L, InfluxLines.MaxTimeMs - 5000, InfluxLines.MaxTimeMs - 1, InfluxLines.MaxTimeMs,
            InfluxLines.MaxTimeMs + 1, 253402300799999L, 1732600000000L);
        Gen<(string Topic, string Json)> messages =
            from t in time
            from off in Gen.Elements(0L, 1L, 1000L, 2147483647L)
            from s in hostile
            from kind in Gen.Choose(0, 2)
            select kind switch
            {
                0 => (Tel, $$"""{"v":1,"boot":3,"seq":1,"t0":{{t}},"bat":3.9,"r":[[0,4,50,1000,0.1]{{(off > 0 ? $",[{off},1,1,1000,0]" : "")}}],"{{s}}":1}"""),
                1 => (Ev, $$"""{"v":1,"boot":3,"seq":1,"ts":{{t}},"kind":"shock","g":6,"x":"{{s}}"}"""),
                _ => (St, $$"""{"v":1,"online":false,"cfg_err":"{{s}}"}"""),
            };
        using var buffer = new LineProtocolBuffer(WritePrecision.Milliseconds);
        int accepted = 0;
        Prop.ForAll(messages.ToArbitrary(), m =>
        {
            var (ok, _, d) = Decode(m.Topic, Encoding.UTF8.GetBytes(m.Json));
            if (!ok) return true;
            accepted++;
            Assert.True(TrackingTopic.TryParse(m.Topic, true, out var topic, out _));
            InfluxLines.Append(buffer, topic, d.Message, Arrival, 1); // throws LineProtocolException if not storable
            buffer.Clear();
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
        Assert.True(accepted > 100, $"only {accepted} accepted: the generator says little");
    }

    private static byte[] Mutate(byte[] data, List<(int Kind, int Pos, int Byte, int Insertion)> ops)
    {
        var bytes = new List<byte>(data);
        foreach (var (kind, pos, b, ins) in ops)
        {
            int at = bytes.Count == 0 ? 0 : pos % (bytes.Count + 1);
            switch (kind)
            {
                case 0 when at < bytes.Count: bytes[at] ^= (byte)(1 << (b % 8)); break;
                case 1: bytes.InsertRange(at, Insertions[ins]); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                default: bytes.Insert(at, (byte)b); break;
            }
        }

        return [.. bytes];
    }
}
