using Tracking.Influx.LineProtocol;

namespace Tracking.Influx.Tests.LineProtocol;

public class AllocationTests
{
    [Fact]
    public void Encoding_lines_into_a_warm_buffer_allocates_nothing()
    {
        using var buffer = new LineProtocolBuffer(WritePrecision.Milliseconds, initialCapacity: 1 << 20);
        string container = "MSKU 1234565";
        string site = "Rotterdam, Pier=7";
        string note = "door \"open\" C:\\";
        var time = new DateTimeOffset(2024, 6, 11, 12, 0, 0, TimeSpan.Zero);

        void EncodeMany()
        {
            buffer.Clear();
            for (int i = 0; i < 2000; i++)
            {
                buffer.BeginLine("environment", i).Tag("container", container).Tag("site", site).Tag("unit", "°C")
                    .FloatField("temperature", 21.375 + i).FloatField("humidity", 0.1 * i).IntegerField("seq", i)
                    .BooleanField("door", (i & 1) == 0).StringField("note", note).End(time);
            }
        }

        EncodeMany(); // warm-up: JIT, pooled arrays grown to size
        long before = GC.GetAllocatedBytesForCurrentThread();
        EncodeMany();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2000, buffer.LineCount);
        Assert.Equal(0, allocated);
    }
}
