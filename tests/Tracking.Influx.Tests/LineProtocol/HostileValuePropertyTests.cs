using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;

namespace Tracking.Influx.Tests.LineProtocol;

/// <summary>
/// Property: every value is either rejected up front (exactly when it contains something line protocol cannot
/// carry intact) or encoded into exactly one line that an independent parser reads back unchanged.
/// </summary>
public class HostileValuePropertyTests
{
    private const int Iterations = 5_000;

    [Fact]
    public void Each_element_is_rejected_exactly_when_unrepresentable_otherwise_read_back_intact()
    {
        var random = new Random(42);
        var rejectedCount = new Dictionary<LineElement, int>();
        var acceptedCount = new Dictionary<LineElement, int>();
        LineElement[] elements = [LineElement.Measurement, LineElement.TagKey, LineElement.TagValue, LineElement.FieldKey, LineElement.StringFieldValue];

        for (int i = 0; i < Iterations; i++)
        {
            foreach (LineElement element in elements)
            {
                string hostile = HostileStrings.Next(random);
                using var buffer = new LineProtocolBuffer();
                buffer.BeginLine("before").FloatField("v", 1).End(1);
                LineProtocolException? error = null;
                try
                {
                    Build(buffer, element, hostile);
                }
                catch (LineProtocolException ex)
                {
                    error = ex;
                }

                bool expectRejection = ExpectRejection(element, hostile);
                Assert.True(expectRejection == (error is not null),
                    $"{element} {Show(hostile)}: expected {(expectRejection ? "rejection" : "acceptance")}, got {error?.Message ?? "accepted"}");
                string[] lines = LineText.Of(buffer).Split('\n');
                Assert.Equal("", lines[^1]);
                if (error is not null)
                {
                    Assert.Equal(element, error.Element);
                    Assert.Equal(["before v=1 1", ""], lines);
                    rejectedCount[element] = rejectedCount.GetValueOrDefault(element) + 1;
                    continue;
                }

                Assert.Equal(3, lines.Length);
                MinimalLineParser.ParsedPoint point = MinimalLineParser.Parse(lines[1]);
                AssertReadBack(point, element, hostile);
                acceptedCount[element] = acceptedCount.GetValueOrDefault(element) + 1;
            }
        }

        // The generator must exercise both outcomes for every element, or the property says nothing.
        foreach (LineElement element in elements)
        {
            Assert.True(rejectedCount.GetValueOrDefault(element) > 100, $"{element} rejected too rarely");
            Assert.True(acceptedCount.GetValueOrDefault(element) > 100, $"{element} accepted too rarely");
        }
    }

    private static void Build(LineProtocolBuffer buffer, LineElement element, string hostile)
    {
        switch (element)
        {
            case LineElement.Measurement:
                buffer.BeginLine(hostile).Tag("t", "v").FloatField("f", 2).End(2);
                break;
            case LineElement.TagKey:
                buffer.BeginLine("m").Tag(hostile, "v").Tag("zz", "w").FloatField("f", 2).End(2);
                break;
            case LineElement.TagValue:
                buffer.BeginLine("m").Tag("t", hostile).Tag("zz", "w").FloatField("f", 2).End(2);
                break;
            case LineElement.FieldKey:
                buffer.BeginLine("m").Tag("t", "v").FloatField(hostile, 2).IntegerField("zz", 3).End(2);
                break;
            case LineElement.StringFieldValue:
                buffer.BeginLine("m").Tag("t", "v").StringField("s", hostile).IntegerField("zz", 3).End(2);
                break;
        }
    }

    private static bool ExpectRejection(LineElement element, string s)
    {
        if (HostileStrings.HasC0OrDel(s) || HostileStrings.HasLoneSurrogate(s))
        {
            return true;
        }

        if (element == LineElement.StringFieldValue)
        {
            return false;
        }

        return s.Length == 0
            || s.Contains('\\')
            || (element == LineElement.Measurement && s[0] == '#')
            || (element is LineElement.TagKey or LineElement.FieldKey && s is "time" or "_measurement" or "_field");
    }

    private static void AssertReadBack(MinimalLineParser.ParsedPoint point, LineElement element, string hostile)
    {
        Assert.Equal(2, point.Timestamp);
        switch (element)
        {
            case LineElement.Measurement:
                Assert.Equal(hostile, point.Measurement);
                Assert.Equal([new("t", "v")], point.Tags);
                Assert.Equal([new("f", (object)2.0)], point.Fields);
                break;
            case LineElement.TagKey:
                Assert.Equal([new(hostile, "v"), new("zz", "w")], point.Tags);
                Assert.Single(point.Fields);
                break;
            case LineElement.TagValue:
                Assert.Equal([new("t", hostile), new("zz", "w")], point.Tags);
                Assert.Single(point.Fields);
                break;
            case LineElement.FieldKey:
                Assert.Equal([new(hostile, (object)2.0), new("zz", (object)3L)], point.Fields);
                break;
            case LineElement.StringFieldValue:
                Assert.Equal([new("s", (object)hostile), new("zz", (object)3L)], point.Fields);
                break;
        }
    }

    private static string Show(string s) => string.Concat(s.Select(c => c < 0x20 || c > 0x7e ? $"\\u{(int)c:x4}" : c.ToString()));
}
