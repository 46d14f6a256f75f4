using System.Text;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

/// <summary>
/// Issue 9 item 4: rejecting must be cheaper than accepting. Rejections are return values, so refusing junk throws
/// nothing and allocates no more than accepting a valid message does (measured per message on a warm decoder).
/// </summary>
public class RejectionCostTests
{
    private const string Topic = "tracking/v1/fleet1/CSQU3054383/tag-a/telemetry";
    private const string Valid = """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1],[1000,4.1,50,1000,0.1]]}""";

    public static TheoryData<string, byte[]> Junk()
    {
        var binary = new byte[60_000];
        new Random(3).NextBytes(binary);
        binary[0] = 0x01;
        return new TheoryData<string, byte[]>
        {
            { "binary", binary },
            { "invalid UTF-8", Encoding.UTF8.GetBytes(Valid.Replace("\"bat\"", "\"b\u00e9t\"")).Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray() },
            { "not an object", "[1,2,3]"u8.ToArray() },
            { "not JSON", "hello"u8.ToArray() },
            { "broken JSON object", Encoding.UTF8.GetBytes(Valid[..40]) },
            { "broken JSON object, trailing comma", Encoding.UTF8.GetBytes(Valid.Replace("]]}", "]],}")) },
            { "wrong type", Encoding.UTF8.GetBytes(Valid.Replace("\"boot\":3", "\"boot\":\"3\"")) },
            { "out of range", Encoding.UTF8.GetBytes(Valid.Replace("[0,4,50", "[0,99,50")) },
            { "unsupported version", Encoding.UTF8.GetBytes(Valid.Replace("\"v\":1", "\"v\":2")) },
        };
    }

    private static long AllocatedPerMessage(byte[] payload, bool expectAccepted)
    {
        Assert.True(TrackingTopic.TryParse(Topic, true, out TrackingTopic topic, out _));
        var decoder = new MessageDecoder();
        for (int i = 0; i < 100; i++) Assert.Equal(expectAccepted, decoder.TryDecode(topic, payload, 1_732_600_000_000, out _));
        const int n = 2000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++) decoder.TryDecode(topic, payload, 1_732_600_000_000, out _);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / n;
    }

    [Theory]
    [MemberData(nameof(Junk))]
    public void Refusing_junk_allocates_no_more_than_accepting_a_valid_message(string kind, byte[] payload)
    {
        long accept = AllocatedPerMessage(Encoding.UTF8.GetBytes(Valid), expectAccepted: true);
        long reject = AllocatedPerMessage(payload, expectAccepted: false);
        // An exception per rejection alone would cost hundreds of bytes (and a stack walk).
        Assert.True(reject <= Math.Max(accept, 256), $"{kind}: {reject} bytes per rejection, {accept} per accepted message");
    }

    [Fact]
    public void Binary_junk_and_invalid_UTF8_are_refused_without_allocating()
    {
        foreach (var row in Junk().Take(2))
        {
            Assert.Equal(0, AllocatedPerMessage((byte[])row[1], expectAccepted: false));
        }
    }
}
