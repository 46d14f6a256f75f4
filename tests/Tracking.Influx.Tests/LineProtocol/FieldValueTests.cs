using System.Globalization;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;

namespace Tracking.Influx.Tests.LineProtocol;

public class FieldValueTests
{
    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0, "1")]
    [InlineData(-0.0, "-0")]
    [InlineData(21.375, "21.375")]
    [InlineData(1e20, "1E+20")]
    [InlineData(1.5e-7, "1.5E-07")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    public void Floats_use_shortest_round_trip_invariant_form(double value, string expected)
    {
        string line = LineText.Encode(b => b.BeginLine("m").FloatField("v", value).End(1));
        Assert.Equal($"m v={expected} 1\n", line);
    }

    [Fact]
    public void Floats_are_culture_independent()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture.Clone() is CultureInfo c
                ? SetDecimalComma(c)
                : throw new InvalidOperationException();
            Assert.Equal("m v=1.25 1\n", LineText.Encode(b => b.BeginLine("m").FloatField("v", 1.25).End(1)));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        static CultureInfo SetDecimalComma(CultureInfo c)
        {
            c.NumberFormat.NumberDecimalSeparator = ",";
            return c;
        }
    }

    [Fact]
    public void Random_floats_round_trip_exactly_through_the_encoded_text()
    {
        var random = new Random(20240611);
        Span<byte> bits = stackalloc byte[8];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bits);
            double value = BitConverter.ToDouble(bits);
            if (!double.IsFinite(value))
            {
                continue;
            }

            string line = LineText.Encode(b => b.BeginLine("m").FloatField("v", value).End(1));
            object parsed = MinimalLineParser.Parse(line).Fields[0].Value;
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits((double)parsed));
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_floats_are_rejected_and_the_line_discarded(double value)
    {
        using var buffer = new LineProtocolBuffer();
        buffer.BeginLine("m").FloatField("ok", 1).End(1);
        var ex = Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").FloatField("a", 1).FloatField("v", value).End(2));
        Assert.Equal(LineElement.FloatFieldValue, ex.Element);
        Assert.Equal("m ok=1 1\n", LineText.Of(buffer));
        Assert.Equal(1, buffer.LineCount);
    }

    [Theory]
    [InlineData(0L, "0i")]
    [InlineData(-1L, "-1i")]
    [InlineData(long.MaxValue, "9223372036854775807i")]
    [InlineData(long.MinValue, "-9223372036854775808i")]
    public void Integers_have_the_i_suffix(long value, string expected)
    {
        Assert.Equal($"m v={expected} 1\n", LineText.Encode(b => b.BeginLine("m").IntegerField("v", value).End(1)));
    }

    [Fact]
    public void Timestamps_are_converted_to_the_buffer_precision()
    {
        var time = new DateTimeOffset(2024, 6, 11, 12, 30, 15, TimeSpan.Zero).AddTicks(1234567);
        long seconds = time.ToUnixTimeSeconds();
        Assert.Equal($"m v=1 {seconds}\n", LineText.Encode(b => b.BeginLine("m").FloatField("v", 1).End(time), WritePrecision.Seconds));
        Assert.Equal($"m v=1 {seconds}123\n", LineText.Encode(b => b.BeginLine("m").FloatField("v", 1).End(time), WritePrecision.Milliseconds));
        Assert.Equal($"m v=1 {seconds}123456\n", LineText.Encode(b => b.BeginLine("m").FloatField("v", 1).End(time), WritePrecision.Microseconds));
        Assert.Equal($"m v=1 {seconds}123456700\n", LineText.Encode(b => b.BeginLine("m").FloatField("v", 1).End(time), WritePrecision.Nanoseconds));
    }

    [Fact]
    public void Timestamps_before_1970_round_down()
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(-1);
        Assert.Equal(-1, WritePrecision.Milliseconds.ToUnixTime(time));
        Assert.Equal(-1, WritePrecision.Seconds.ToUnixTime(time));
        Assert.Equal(-100, WritePrecision.Nanoseconds.ToUnixTime(time));
    }

    [Fact]
    public void Timestamps_outside_influx_range_are_rejected()
    {
        using var buffer = new LineProtocolBuffer(WritePrecision.Milliseconds);
        var ex = Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").FloatField("v", 1).End(long.MaxValue));
        Assert.Equal(LineElement.Timestamp, ex.Element);
        Assert.Throws<LineProtocolException>(() => WritePrecision.Nanoseconds.ToUnixTime(DateTimeOffset.MaxValue));
        buffer.BeginLine("m").FloatField("v", 1).End(9223372036854L);
        Assert.Equal(1, buffer.LineCount);

        using var nanos = new LineProtocolBuffer(WritePrecision.Nanoseconds);
        Assert.Throws<LineProtocolException>(() => nanos.BeginLine("m").FloatField("v", 1).End(long.MaxValue));
        Assert.Throws<LineProtocolException>(() => nanos.BeginLine("m").FloatField("v", 1).End(long.MinValue + 1));
        nanos.BeginLine("m").FloatField("v", 1).End(long.MaxValue - 1);
        nanos.BeginLine("m").FloatField("v", 1).End(long.MinValue + 2);
        Assert.Equal(2, nanos.LineCount);
    }
}
