using System.Text;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Schema;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.LineProtocol;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The spool reader's decoder as the writer uses it: a record's topic is parsed once per topic (cached with its verdict),
/// and turning records into line protocol allocates nothing per record on a warm path.
/// </summary>
public class SpoolRecordDecoderTests
{
    private const long Arrival = 1_732_600_000_500;

    [Fact]
    public void Decoding_records_into_line_protocol_allocates_nothing_per_record()
    {
        var records = new List<byte[]>();
        for (int seq = 1; seq <= 2_000; seq++) records.Add(Record($"tracking/v1/fleet-1/CSQU3054383/tag-{seq % 20}/telemetry", Telemetry(seq)));
        var decoder = new SpoolRecordDecoder(strictContainerIds: true);
        using var buffer = new LineProtocolBuffer(InfluxLines.Precision, initialCapacity: 1 << 20);

        void EncodeAll()
        {
            buffer.Clear();
            long id = 0;
            foreach (byte[] record in records)
            {
                Assert.True(decoder.TryDecode(record, out long arrivalMs, out _, out TrackingTopic topic, out _, out _));
                InfluxLines.Append(buffer, topic, decoder.Message, arrivalMs, ++id);
            }
        }

        EncodeAll(); // warm-up: JIT, the topic cache, the buffer's arrays grown to size
        long before = GC.GetAllocatedBytesForCurrentThread();
        EncodeAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(4_000, buffer.LineCount); // two readings a record
        Assert.Equal(0, allocated);
        Assert.StartsWith("env,container=CSQU3054383,fleet=fleet-1,tag=tag-1 ", Encoding.UTF8.GetString(buffer.GetLine(0)));
    }

    [Fact]
    public void A_cached_topic_gives_the_verdict_a_fresh_parse_gives_every_time()
    {
        // A container id that is not ISO 6346: stored while container ids were not strict, refused once they are.
        byte[] lax = Record("tracking/v1/fleet-1/RIG-7/tag-1/telemetry", Telemetry(1), strict: false);
        byte[] good = Record("tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry", Telemetry(2));
        var strict = new SpoolRecordDecoder(strictContainerIds: true);
        var relaxed = new SpoolRecordDecoder(strictContainerIds: false);
        Assert.False(TrackingTopic.TryParse("tracking/v1/fleet-1/RIG-7/tag-1/telemetry", true, out _, out Rejection expected));

        for (int round = 0; round < 3; round++)
        {
            Assert.False(strict.TryDecode(lax, out _, out string text, out _, out _, out Rejection rejection));
            Assert.Equal("tracking/v1/fleet-1/RIG-7/tag-1/telemetry", text); // what the dead letter names
            Assert.Equal(expected, rejection);

            Assert.True(strict.TryDecode(good, out long arrivalMs, out _, out TrackingTopic topic, out _, out _));
            Assert.Equal(Arrival, arrivalMs);
            Assert.Equal("CSQU3054383", topic.Container.ToString());
            Assert.Equal(2, strict.Message.Seq);

            Assert.True(relaxed.TryDecode(lax, out _, out _, out TrackingTopic relaxedTopic, out _, out _));
            Assert.Equal("RIG-7", relaxedTopic.Container.ToString());
            Assert.Equal(1, relaxed.Message.Seq);
        }
    }

    private static string Telemetry(int seq) =>
        $$"""{"v":1,"boot":3,"seq":{{seq}},"t0":1732600000000,"bat":3.9,"r":[[0,4.25,50,1000,0.1],[60000,4.5,51,1001,0.2]]}""";

    /// <summary>A version 2 spool record of <paramref name="payload"/> as ingest writes it.</summary>
    private static byte[] Record(string topicText, string payload, bool strict = true)
    {
        Assert.True(TrackingTopic.TryParse(topicText, strict, out TrackingTopic topic, out _));
        var decoder = new MessageDecoder();
        byte[] utf8 = Encoding.UTF8.GetBytes(payload);
        Assert.True(decoder.TryDecode(topic, utf8, Arrival, out Rejection rejection), rejection.ToString());
        var record = new byte[SpooledMessage.MaxSize(topicText, decoder.Message, utf8.Length)];
        int length = SpooledMessage.Write(record, Arrival, topicText, decoder.Message, utf8);
        return record[..length];
    }
}
