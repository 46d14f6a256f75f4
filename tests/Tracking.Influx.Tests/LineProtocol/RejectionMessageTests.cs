using Tracking.Influx.LineProtocol;

namespace Tracking.Influx.Tests.LineProtocol;

public class RejectionMessageTests
{
    [Theory]
    [InlineData("line1\nline2", "U+000A")]
    [InlineData("cr\r", "U+000D")]
    [InlineData("trailing\\", "backslash")]
    [InlineData("", "empty")]
    public void Tag_value_rejections_say_why(string value, string expectedFragment)
    {
        using var buffer = new LineProtocolBuffer();
        var ex = Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").Tag("t", value));
        Assert.Equal(LineElement.TagValue, ex.Element);
        Assert.Contains(expectedFragment, ex.Message);
        Assert.Contains("tag value", ex.Message);
    }

    [Fact]
    public void Measurement_starting_with_hash_would_be_a_comment()
    {
        using var buffer = new LineProtocolBuffer();
        var ex = Assert.Throws<LineProtocolException>(() => buffer.BeginLine("#m"));
        Assert.Contains("comment", ex.Message);
        // '#' elsewhere is an ordinary character.
        buffer.BeginLine("m#").Tag("#t", "#v").FloatField("#f", 1).End(1);
        Assert.Equal(1, buffer.LineCount);
    }

    [Theory]
    [InlineData("time")]
    [InlineData("_measurement")]
    [InlineData("_field")]
    public void Reserved_keys_are_rejected(string key)
    {
        using var buffer = new LineProtocolBuffer();
        Assert.Equal(LineElement.TagKey, Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").Tag(key, "v")).Element);
        Assert.Equal(LineElement.FieldKey, Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").FloatField(key, 1)).Element);
        buffer.BeginLine("time").Tag("Time", "time").FloatField("times", 1).End(1);
        Assert.Equal(1, buffer.LineCount);
    }

    [Fact]
    public void Lone_surrogates_are_rejected_everywhere()
    {
        using var buffer = new LineProtocolBuffer();
        Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m\ud800"));
        Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").StringField("s", "x\udc00y"));
        Assert.Equal(0, buffer.LineCount);
    }
}
