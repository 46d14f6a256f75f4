using System.Text;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// Where a reading waits between the broker and InfluxDB: one fixed-bucket histogram per <see cref="IngestTiming"/>,
/// rendered as the Prometheus histogram <c>tracking_gateway_stage_seconds{stage=...}</c>. Recorded once per group commit
/// or per batch, never per message, so it costs ingest nothing measurable and stays on in production.
/// </summary>
public sealed class StageTimings
{
    /// <summary>Upper bounds of the buckets, in ms (the last bucket, +Inf, is implied).</summary>
    public static readonly double[] BoundsMs = [1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000];

    private static readonly string[] Labels = ["group_commit", "fsync", "spool_to_write", "influx_write", "arrival_to_written"];

    private readonly long[,] _counts = new long[Labels.Length, BoundsMs.Length + 1];
    private readonly long[] _sumTicks = new long[Labels.Length];

    /// <summary>Records one observation of <paramref name="stage"/>; negative durations (a clock step) count as zero.</summary>
    public void Record(IngestTiming stage, TimeSpan duration)
    {
        if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
        int bucket = PrometheusHistogram.BucketOf(duration.TotalMilliseconds, BoundsMs);
        Interlocked.Increment(ref _counts[(int)stage, bucket]);
        Interlocked.Add(ref _sumTicks[(int)stage], duration.Ticks);
    }

    /// <summary>Observations of <paramref name="stage"/> in each bucket (not cumulative), the last one above every bound.</summary>
    public long[] Counts(IngestTiming stage)
    {
        long[] counts = new long[BoundsMs.Length + 1];
        for (int i = 0; i < counts.Length; i++) counts[i] = Interlocked.Read(ref _counts[(int)stage, i]);
        return counts;
    }

    public void WritePrometheus(StringBuilder text)
    {
        text.Append("# HELP tracking_gateway_stage_seconds Time a reading spends in each ingest stage (per group commit or write batch)\n");
        text.Append("# TYPE tracking_gateway_stage_seconds histogram\n");
        for (int stage = 0; stage < Labels.Length; stage++)
        {
            double sum = TimeSpan.FromTicks(Interlocked.Read(ref _sumTicks[stage])).TotalSeconds;
            PrometheusHistogram.WriteSeries(text, "tracking_gateway_stage_seconds", "stage", Labels[stage], BoundsMs, Counts((IngestTiming)stage), sum);
        }
    }
}
