using System.Text;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;

namespace Tracking.Influx.Tests.LineProtocol;

public class LineProtocolBufferTests
{
    [Fact]
    public void Lines_are_indexed_with_their_item_ids()
    {
        using var buffer = new LineProtocolBuffer();
        buffer.BeginLine("a", itemId: 10).FloatField("v", 1).End(1);
        buffer.BeginLine("b", itemId: 20).FloatField("v", 2).End(2);
        buffer.BeginLine("c", itemId: 30).FloatField("v", 3).End(3);

        Assert.Equal(3, buffer.LineCount);
        Assert.Equal("b v=2 2", Encoding.UTF8.GetString(buffer.GetLine(1)));
        Assert.Equal("b v=2 2\nc v=3 3\n", Encoding.UTF8.GetString(buffer.GetLines(1, 2).Span));
        Assert.Equal([10L, 20L, 30L], Enumerable.Range(0, 3).Select(buffer.GetItemId));
        Assert.Equal(buffer.WrittenMemory.Length, buffer.ByteCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetLines(2, 2));
    }

    [Fact]
    public void A_failed_line_leaves_earlier_lines_intact_and_the_buffer_usable()
    {
        using var buffer = new LineProtocolBuffer();
        buffer.BeginLine("ok", 1).Tag("t", "x").FloatField("v", 1).End(1);
        Assert.Throws<LineProtocolException>(() => buffer.BeginLine("bad", 2).Tag("t", "x").StringField("s", "a\nb").End(2));
        buffer.BeginLine("ok2", 3).FloatField("v", 3).End(3);

        Assert.Equal("ok,t=x v=1 1\nok2 v=3 3\n", LineText.Of(buffer));
        Assert.Equal(3, buffer.GetItemId(1));
    }

    [Fact]
    public void An_abandoned_builder_is_discarded_and_cannot_write_into_the_next_line()
    {
        using var buffer = new LineProtocolBuffer();
        LineBuilder stale = buffer.BeginLine("first").FloatField("v", 1);
        buffer.BeginLine("second").FloatField("v", 2).End(2);

        Assert.Throws<InvalidOperationException>(() => stale.FloatField("w", 1));
        Assert.Throws<InvalidOperationException>(() => stale.End(1));
        Assert.Equal("second v=2 2\n", LineText.Of(buffer));
    }

    [Fact]
    public void Writing_to_an_ended_line_is_refused()
    {
        using var buffer = new LineProtocolBuffer();
        LineBuilder line = buffer.BeginLine("m").FloatField("v", 1);
        line.End(1);
        Assert.Throws<InvalidOperationException>(() => line.FloatField("w", 2));
        Assert.Throws<InvalidOperationException>(() => default(LineBuilder).FloatField("w", 2));
        Assert.Equal("m v=1 1\n", LineText.Of(buffer));
    }

    [Fact]
    public void Points_need_a_field_and_tags_come_first()
    {
        using var buffer = new LineProtocolBuffer();
        Assert.Throws<InvalidOperationException>(() => buffer.BeginLine("m").Tag("t", "x").End(1));
        Assert.Throws<InvalidOperationException>(() => buffer.BeginLine("m").FloatField("v", 1).Tag("t", "x"));
        Assert.Equal(0, buffer.LineCount);
        Assert.Equal(0, buffer.ByteCount);
    }

    [Fact]
    public void Duplicate_tag_or_field_keys_are_rejected()
    {
        using var buffer = new LineProtocolBuffer();
        Assert.Equal(LineElement.TagKey,
            Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").Tag("a", "1").Tag("b", "2").Tag("a", "3")).Element);
        Assert.Equal(LineElement.FieldKey,
            Assert.Throws<LineProtocolException>(() => buffer.BeginLine("m").FloatField("v", 1).IntegerField("v", 2)).Element);
        // The same key as tag and field, and the same keys on the next line, are fine.
        buffer.BeginLine("m").Tag("a", "1").FloatField("a", 1).End(1);
        buffer.BeginLine("m").Tag("a", "1").FloatField("a", 1).End(2);
        Assert.Equal(2, buffer.LineCount);
    }

    [Fact]
    public void Buffer_grows_past_its_initial_capacity_and_clear_reuses_it()
    {
        using var buffer = new LineProtocolBuffer(initialCapacity: 16);
        string big = new('x', 10_000);
        for (int i = 0; i < 500; i++)
        {
            buffer.BeginLine("m", i).Tag("id", i.ToString()).StringField("s", i % 100 == 0 ? big : "s").End(i);
        }

        Assert.Equal(500, buffer.LineCount);
        string[] lines = LineText.Of(buffer).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(500, lines.Length);
        for (int i = 0; i < 500; i++)
        {
            var p = MinimalLineParser.Parse(lines[i]);
            Assert.Equal(i.ToString(), p.Tags[0].Value);
            Assert.Equal(i, p.Timestamp);
            Assert.Equal(i, buffer.GetItemId(i));
        }

        buffer.Clear();
        Assert.Equal(0, buffer.LineCount);
        buffer.BeginLine("again").FloatField("v", 1).End(1);
        Assert.Equal("again v=1 1\n", LineText.Of(buffer));
    }

    [Fact]
    public void Many_tags_and_fields_in_one_point()
    {
        using var buffer = new LineProtocolBuffer();
        LineBuilder line = buffer.BeginLine("m");
        for (int i = 0; i < 40; i++)
        {
            line = line.Tag("t" + i, "v" + i);
        }

        for (int i = 0; i < 40; i++)
        {
            line = line.IntegerField("f" + i, i);
        }

        line.End(1);
        var parsed = MinimalLineParser.Parse(LineText.Of(buffer));
        Assert.Equal(40, parsed.Tags.Count);
        Assert.Equal(40, parsed.Fields.Count);
        Assert.Equal(39L, parsed.Fields[39].Value);
    }

    [Fact]
    public void Truncating_takes_back_the_last_lines_and_an_open_one()
    {
        using var buffer = new LineProtocolBuffer();
        buffer.BeginLine("a", 1).FloatField("v", 1).End(1);
        buffer.BeginLine("b", 2).FloatField("v", 2).End(2);
        buffer.BeginLine("c", 3).FloatField("v", 3); // left open

        buffer.TruncateLines(1);
        buffer.BeginLine("d", 4).FloatField("v", 4).End(4);

        Assert.Equal("a v=1 1\nd v=4 4\n", LineText.Of(buffer));
        Assert.Equal(4, buffer.GetItemId(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.TruncateLines(3));
        buffer.TruncateLines(0);
        Assert.Equal(0, buffer.ByteCount);
    }
}
