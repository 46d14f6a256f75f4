using System.Text;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// Per message, what <see cref="StageTimings"/> shows per batch: the Prometheus histogram
/// <c>tracking_gateway_message_seconds{span=...}</c> with one observation for every message InfluxDB acknowledged.
/// <c>arrival_to_written</c> is the gateway's share (arrival until acknowledged; queryable from then on), and
/// <c>reading_to_written</c> the age of the message's newest point when acknowledged (its stored timestamp until then),
/// which for a tag that publishes as it measures, like bench ingest's publisher, is publish -> queryable without any poll.
/// The per-batch <c>arrival_to_written</c> stage counts a batch once by its oldest record, so its p99 is one over batches,
/// not over messages (issue 11's p99 target is per message). Recorded per write batch: the writer counts its messages
/// into buckets on its own and adds them here once, so the histogram costs a bucket search per message and no
/// interlocked operation of its own.
/// </summary>
public sealed class MessageTimings
{
    /// <summary>Upper bounds of the buckets, in ms: the stages' bounds and then up to an hour for readings a tag kept.</summary>
    public static readonly double[] BoundsMs = [.. StageTimings.BoundsMs, 10_000, 60_000, 600_000, 3_600_000];

    /// <summary>Buckets per span, the last one above every bound.</summary>
    public static int BucketCount => BoundsMs.Length + 1;

    private static readonly string[] Labels = ["arrival_to_written", "reading_to_written"];

    private readonly long[,] _counts = new long[Labels.Length, BoundsMs.Length + 1];
    private readonly long[] _sumMs = new long[Labels.Length];

    /// <summary>The bucket of a duration in ms; negative ones (clock steps, a tag's clock ahead) count as zero.</summary>
    public static int BucketOf(long ms) => PrometheusHistogram.BucketOf(ms, BoundsMs);

    /// <summary>Adds counts per bucket (<see cref="BucketCount"/> of them) and their sum in ms, made by <see cref="BucketOf"/>.</summary>
    public void Add(MessageSpan span, ReadOnlySpan<long> counts, long sumMs)
    {
        if (counts.Length != BucketCount) throw new ArgumentException($"one count per bucket ({BucketCount})", nameof(counts));
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0) Interlocked.Add(ref _counts[(int)span, i], counts[i]);
        }

        Interlocked.Add(ref _sumMs[(int)span], sumMs);
    }

    /// <summary>Observations of <paramref name="span"/> in each bucket (not cumulative), the last one above every bound.</summary>
    public long[] Counts(MessageSpan span)
    {
        long[] counts = new long[BucketCount];
        for (int i = 0; i < counts.Length; i++) counts[i] = Interlocked.Read(ref _counts[(int)span, i]);
        return counts;
    }

    public void WritePrometheus(StringBuilder text)
    {
        text.Append("# HELP tracking_gateway_message_seconds Per message acknowledged by InfluxDB: arrival_to_written, and reading_to_written (its newest point's timestamp until acknowledged)\n");
        text.Append("# TYPE tracking_gateway_message_seconds histogram\n");
        for (int span = 0; span < Labels.Length; span++)
        {
            double sum = Interlocked.Read(ref _sumMs[span]) / 1000.0;
            PrometheusHistogram.WriteSeries(text, "tracking_gateway_message_seconds", "span", Labels[span], BoundsMs, Counts((MessageSpan)span), sum);
        }
    }
}
