using System.Text;
using Tracking.Gateway.Ingest.Observability;

namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>The per-stage histograms: the bucket an observation lands in, and the Prometheus text bench ingest parses.</summary>
public sealed class StageTimingsTests
{
    [Fact]
    public void An_observation_lands_in_the_first_bucket_whose_bound_it_does_not_exceed()
    {
        var timings = new StageTimings();
        timings.Record(IngestTiming.Fsync, TimeSpan.FromMilliseconds(0.5));
        timings.Record(IngestTiming.Fsync, TimeSpan.FromMilliseconds(5)); // on the bound: in that bucket
        timings.Record(IngestTiming.Fsync, TimeSpan.FromMilliseconds(5.1));
        timings.Record(IngestTiming.Fsync, TimeSpan.FromSeconds(60));
        timings.Record(IngestTiming.Fsync, TimeSpan.FromMilliseconds(-3)); // a clock step back counts as zero

        long[] counts = timings.Counts(IngestTiming.Fsync);
        Assert.Equal(2, counts[0]);
        Assert.Equal(1, counts[Array.IndexOf(StageTimings.BoundsMs, 5.0)]);
        Assert.Equal(1, counts[Array.IndexOf(StageTimings.BoundsMs, 7.5)]);
        Assert.Equal(1, counts[^1]);
        Assert.Equal(5, counts.Sum());
        Assert.All(timings.Counts(IngestTiming.InfluxWrite), c => Assert.Equal(0, c)); // stages are separate
    }

    [Fact]
    public void The_prometheus_histogram_is_cumulative_per_stage_with_sum_and_count()
    {
        var metrics = new GatewayMetrics();
        metrics.Stages.Record(IngestTiming.ArrivalToWritten, TimeSpan.FromMilliseconds(12));
        metrics.Stages.Record(IngestTiming.ArrivalToWritten, TimeSpan.FromMilliseconds(40));
        var text = new StringBuilder();
        metrics.WritePrometheus(text, new GatewayMetrics.Gauges(true, 0, 0, 0, false, 0));
        string[] lines = text.ToString().Split('\n');

        Assert.Contains("# TYPE tracking_gateway_stage_seconds histogram", lines);
        Assert.Contains("tracking_gateway_stage_seconds_bucket{stage=\"arrival_to_written\",le=\"0.01\"} 0", lines);
        Assert.Contains("tracking_gateway_stage_seconds_bucket{stage=\"arrival_to_written\",le=\"0.015\"} 1", lines);
        Assert.Contains("tracking_gateway_stage_seconds_bucket{stage=\"arrival_to_written\",le=\"0.05\"} 2", lines);
        Assert.Contains("tracking_gateway_stage_seconds_bucket{stage=\"arrival_to_written\",le=\"+Inf\"} 2", lines);
        Assert.Contains("tracking_gateway_stage_seconds_sum{stage=\"arrival_to_written\"} 0.052", lines);
        Assert.Contains("tracking_gateway_stage_seconds_count{stage=\"arrival_to_written\"} 2", lines);
        Assert.Contains("tracking_gateway_stage_seconds_count{stage=\"group_commit\"} 0", lines);
    }
}
