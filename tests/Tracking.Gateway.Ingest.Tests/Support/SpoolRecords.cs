using System.Text;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Support;

/// <summary>Spool records as ingest writes them: the payload decoded once, its fields stored beside it (version 2).</summary>
public static class SpoolRecords
{
    public static byte[] Of(string topic, string payload, long arrivalMs) => Of(topic, Encoding.UTF8.GetBytes(payload), arrivalMs);

    public static byte[] Of(string topic, byte[] payload, long arrivalMs)
    {
        Assert.True(TrackingTopic.TryParse(topic, strictContainerIds: false, out TrackingTopic parsed, out Rejection rejection), rejection.Detail);
        var decoder = new MessageDecoder();
        Assert.True(decoder.TryDecode(parsed, payload, arrivalMs, out rejection), rejection.Detail);
        byte[] record = new byte[SpooledMessage.MaxSize(topic, decoder.Message, payload.Length)];
        int length = SpooledMessage.Write(record, arrivalMs, topic, decoder.Message, payload);
        return record[..length];
    }

    /// <summary>The layout spools written before version 2 hold: topic and payload only.</summary>
    public static byte[] Version1(string topic, string payload, long arrivalMs)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(payload);
        byte[] record = new byte[10 + Encoding.UTF8.GetByteCount(topic) + bytes.Length];
        int length = SpooledMessage.WriteVersion1(record, arrivalMs, topic, bytes);
        return record[..length];
    }
}
