using System.Text;
using ContainerTag.Core.Protocol;
using Xunit;

namespace ContainerTag.Tests;

public class ConfigParserTests
{
    internal const string Good = "{\"v\":1,\"sample_s\":300,\"report_s\":3600,\"t_lo\":2.0,\"t_hi\":8.0,\"t_delay_s\":600,\"shock_g\":4.0,\"bat_lo\":3.4}";

    private static (TagConfig? Config, string? Error) Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static (TagConfig? Config, string? Error) Parse(byte[] bytes)
    {
        var parser = new ConfigParser();
        var config = parser.Parse(bytes, bytes.Length);
        return (config, parser.Error);
    }

    [Fact]
    public void Parses_the_contract_example()
    {
        var (c, error) = Parse(Good);
        Assert.Null(error);
        Assert.NotNull(c);
        Assert.Equal((300, 3600, 2.0, 8.0, 600, 4.0, 3.4), (c!.SampleS, c.ReportS, c.TempLowC, c.TempHighC, c.TempDelayS, c.ShockG, c.BatteryLowV));
    }

    [Fact]
    public void Accepts_any_order_whitespace_and_unknown_fields_of_any_type()
    {
        var json = " {\r\n \"bat_lo\" : 3.3 ,\t\"future\":{\"a\":[1,{\"b\":null},\"x\\\"y\"],\"c\":true},\"t_hi\":-10.5e0,\"t_lo\":-25,"
            + "\"note\":\"k\\u00fchl \u00e9\",\"shock_g\":2.5,\"t_delay_s\":0,\"report_s\":86400,\"sample_s\":60,\"v\":1.0,\"list\":[]} \n";
        var (c, error) = Parse(json);
        Assert.Null(error);
        Assert.Equal((60, 86400, -25.0, -10.5, 0, 2.5, 3.3), (c!.SampleS, c.ReportS, c.TempLowC, c.TempHighC, c.TempDelayS, c.ShockG, c.BatteryLowV));
    }

    [Theory]
    [InlineData("\"sample_s\":300", "\"sample_s\":\"300\"", "sample_s: expected a number")]
    [InlineData("\"t_lo\":2.0", "\"t_lo\":null", "t_lo: expected a number")]
    [InlineData("\"shock_g\":4.0", "\"shock_g\":true", "shock_g: expected a number")]
    [InlineData("\"bat_lo\":3.4", "\"bat_lo\":[3.4]", "bat_lo: expected a number")]
    [InlineData("\"sample_s\":300", "\"sample_s\":300.5", "sample_s: expected an integer")]
    [InlineData("\"t_delay_s\":600", "\"t_delay_s\":6e2", null)]
    public void Rejects_wrong_types(string from, string to, string? expected)
    {
        var (c, error) = Parse(Good.Replace(from, to));
        if (expected == null)
        {
            Assert.Null(error);
            Assert.Equal(600, c!.TempDelayS);
            return;
        }
        Assert.Null(c);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("\"sample_s\":300", "\"sample_s\":9", "sample_s: out of range 10..86400")]
    [InlineData("\"sample_s\":300", "\"sample_s\":86401", "sample_s: out of range 10..86400")]
    [InlineData("\"report_s\":3600", "\"report_s\":299", "report_s: out of range sample_s..604800")]
    [InlineData("\"report_s\":3600", "\"report_s\":604801", "report_s: out of range sample_s..604800")]
    [InlineData("\"t_lo\":2.0", "\"t_lo\":-40.1", "t_lo: out of range -40..85")]
    [InlineData("\"t_hi\":8.0", "\"t_hi\":85.5", "t_hi: out of range -40..85")]
    [InlineData("\"t_hi\":8.0", "\"t_hi\":2.0", "t_hi: must be greater than t_lo")]
    [InlineData("\"t_delay_s\":600", "\"t_delay_s\":-1", "t_delay_s: out of range 0..86400")]
    [InlineData("\"shock_g\":4.0", "\"shock_g\":0.4", "shock_g: out of range 0.5..27.7")]
    [InlineData("\"shock_g\":4.0", "\"shock_g\":1e999", "shock_g: number out of range")]
    [InlineData("\"bat_lo\":3.4", "\"bat_lo\":5.01", "bat_lo: out of range 0..5")]
    [InlineData("\"v\":1", "\"v\":2", "v: unsupported version")]
    [InlineData("\"v\":1,", "", "v: missing")]
    [InlineData("\"v\":1,", "\"v\":1,\"v\":1,", "v: duplicate field")]
    public void Rejects_out_of_range_missing_and_duplicate(string from, string to, string expected)
    {
        var (c, error) = Parse(Good.Replace(from, to));
        Assert.Null(c);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{")]
    [InlineData("{\"v\":1,}")]
    [InlineData("{\"v\" 1}")]
    [InlineData("{\"v\":01}")]
    [InlineData("{\"v\":-}")]
    [InlineData("{\"v\":1.}")]
    [InlineData("{\"v\":1} {}")]
    [InlineData("{\"v\":tru}")]
    [InlineData("{\"x\":\"unterminated}")]
    [InlineData("{\"x\":\"bad \\q escape\"}")]
    [InlineData("{\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}")]
    public void Rejects_malformed_json(string json)
    {
        var (c, error) = Parse(json);
        Assert.Null(c);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Rejects_garbage_bytes_and_invalid_utf8_without_throwing()
    {
        var random = new Random(6346);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            if (i % 2 == 0)
            {
                // garbage inside an otherwise plausible object
                var prefix = Encoding.ASCII.GetBytes("{\"note\":\"");
                bytes = prefix.Concat(bytes).ToArray();
            }
            var (c, error) = Parse(bytes);
            Assert.True(c == null ? !string.IsNullOrEmpty(error) : error == null);
        }
        var invalidUtf8 = Encoding.ASCII.GetBytes("{\"note\":\"\u0001\"}".Replace("\u0001", "_")).ToArray();
        invalidUtf8[invalidUtf8.Length - 3] = 0xC3; // lead byte followed by '"' instead of a continuation byte
        Assert.Equal("invalid UTF-8", Parse(invalidUtf8).Error);
    }

    [Fact]
    public void Rejects_oversized_message()
    {
        var json = Good.TrimEnd('}') + ",\"pad\":\"" + new string('x', 4100) + "\"}";
        Assert.Equal("message larger than 4096 bytes", Parse(json).Error);
    }
}
