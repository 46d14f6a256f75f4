using System.Globalization;
using System.Text;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// The fixed-bucket histograms of <see cref="StageTimings"/> and <see cref="MessageTimings"/>: one bucket search and one
/// Prometheus rendering (cumulative <c>_bucket</c> lines in seconds, <c>_sum</c>, <c>_count</c>) for both.
/// </summary>
internal static class PrometheusHistogram
{
    /// <summary>The bucket of <paramref name="ms"/>: the first bound it does not exceed, or the last (+Inf) bucket.</summary>
    public static int BucketOf(double ms, double[] boundsMs)
    {
        int bucket = 0;
        while (bucket < boundsMs.Length && ms > boundsMs[bucket]) bucket++;
        return bucket;
    }

    /// <summary>One labelled series of <paramref name="name"/>; <paramref name="counts"/> per bucket, not cumulative.</summary>
    public static void WriteSeries(StringBuilder text, string name, string label, string value, double[] boundsMs, long[] counts, double sumSeconds)
    {
        long cumulative = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            cumulative += counts[i];
            string le = i < boundsMs.Length ? (boundsMs[i] / 1000).ToString(CultureInfo.InvariantCulture) : "+Inf";
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{label}=\"{value}\",le=\"{le}\"}} {cumulative}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{label}=\"{value}\"}} {sumSeconds}\n");
        text.Append(CultureInfo.InvariantCulture, $"{name}_count{{{label}=\"{value}\"}} {cumulative}\n");
    }
}
