using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;

namespace Tracking.Influx.Tests.LineProtocol;

/// <summary>Byte-exact encodings of the examples in the InfluxDB line protocol reference ("Special characters").</summary>
public class DocumentedExamplesTests
{
    [Fact]
    public void Plain_point_with_tags_fields_and_timestamp()
    {
        string line = LineText.Encode(b => b.BeginLine("weather").Tag("location", "us-midwest").FloatField("temperature", 82).End(1465839830100400200),
            WritePrecision.Nanoseconds);
        Assert.Equal("weather,location=us-midwest temperature=82 1465839830100400200\n", line);
    }

    [Fact]
    public void Comma_in_tag_value_is_escaped()
    {
        string line = LineText.Encode(b => b.BeginLine("weather").Tag("location", "us,midwest").FloatField("temperature", 82).End(1465839830100400200),
            WritePrecision.Nanoseconds);
        Assert.Equal("weather,location=us\\,midwest temperature=82 1465839830100400200\n", line);
    }

    [Fact]
    public void Equals_sign_in_field_key_is_escaped()
    {
        string line = LineText.Encode(b => b.BeginLine("weather").Tag("location", "us-midwest").FloatField("temp=rature", 82).End(1465839830100400200),
            WritePrecision.Nanoseconds);
        Assert.Equal("weather,location=us-midwest temp\\=rature=82 1465839830100400200\n", line);
    }

    [Fact]
    public void Space_in_tag_key_is_escaped()
    {
        string line = LineText.Encode(b => b.BeginLine("weather").Tag("location place", "us-midwest").FloatField("temperature", 82).End(1465839830100400200),
            WritePrecision.Nanoseconds);
        Assert.Equal("weather,location\\ place=us-midwest temperature=82 1465839830100400200\n", line);
    }

    [Fact]
    public void Comma_and_space_in_measurement_are_escaped_but_equals_is_not()
    {
        Assert.Equal("wea\\,ther temperature=82 1\n", LineText.Encode(b => b.BeginLine("wea,ther").FloatField("temperature", 82).End(1)));
        Assert.Equal("wea\\ ther temperature=82 1\n", LineText.Encode(b => b.BeginLine("wea ther").FloatField("temperature", 82).End(1)));
        Assert.Equal("wea=ther temperature=82 1\n", LineText.Encode(b => b.BeginLine("wea=ther").FloatField("temperature", 82).End(1)));
    }

    [Fact]
    public void Double_quotes_and_backslashes_in_string_field_values_are_escaped()
    {
        Assert.Equal("weather temperature=\"too\\\"hot\\\"\" 1\n",
            LineText.Encode(b => b.BeginLine("weather").StringField("temperature", "too\"hot\"").End(1)));
        Assert.Equal("weather path=\"C:\\\\temp\\\\\" 1\n",
            LineText.Encode(b => b.BeginLine("weather").StringField("path", "C:\\temp\\").End(1)));
    }

    [Fact]
    public void Quotes_in_identifiers_and_commas_in_strings_are_left_alone()
    {
        Assert.Equal("we\"ather,lo\"c=\"x\" f\"k=\"a,b c=d\" 1\n",
            LineText.Encode(b => b.BeginLine("we\"ather").Tag("lo\"c", "\"x\"").StringField("f\"k", "a,b c=d").End(1)));
    }

    [Fact]
    public void All_field_types_in_one_line()
    {
        string line = LineText.Encode(b => b.BeginLine("m")
            .FloatField("f", 1.5).IntegerField("i", -42).BooleanField("t", true).BooleanField("u", false).StringField("s", "")
            .End(1700000000000));
        Assert.Equal("m f=1.5,i=-42i,t=true,u=false,s=\"\" 1700000000000\n", line);
    }

    [Fact]
    public void Unicode_is_written_as_utf8()
    {
        using var buffer = new LineProtocolBuffer();
        buffer.BeginLine("température").Tag("lieu", "Zürich 🚢").StringField("note", "naïve").End(1);
        byte[] expected = System.Text.Encoding.UTF8.GetBytes("température,lieu=Zürich\\ 🚢 note=\"naïve\" 1\n");
        Assert.Equal(expected, buffer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Line_without_timestamp_uses_server_time()
    {
        Assert.Equal("m f=1\n", LineText.Encode(b => b.BeginLine("m").FloatField("f", 1).EndWithServerTime()));
    }
}
