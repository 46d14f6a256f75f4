using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>
/// The per-message histograms (issue 11's p99 is over messages, the stage histograms count a batch once): their buckets
/// and Prometheus text, and what the writer records for each message InfluxDB acknowledged.
/// </summary>
public sealed class MessageTimingsTests : IDisposable
{
    private const long ArrivalMs = 1_732_700_000_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "msgtimes-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_duration_lands_in_the_first_bucket_whose_bound_it_does_not_exceed_and_the_text_is_cumulative()
    {
        Assert.Equal(0, MessageTimings.BucketOf(-5)); // a clock step back counts as zero
        Assert.Equal(0, MessageTimings.BucketOf(1));
        Assert.Equal(Array.IndexOf(MessageTimings.BoundsMs, 50.0), MessageTimings.BucketOf(50));
        Assert.Equal(Array.IndexOf(MessageTimings.BoundsMs, 75.0), MessageTimings.BucketOf(51));
        Assert.Equal(Array.IndexOf(MessageTimings.BoundsMs, 3_600_000.0), MessageTimings.BucketOf(3_600_000));
        Assert.Equal(MessageTimings.BucketCount - 1, MessageTimings.BucketOf(3_600_001));

        var metrics = new GatewayMetrics();
        long[] counts = new long[MessageTimings.BucketCount];
        counts[MessageTimings.BucketOf(12)] = 3;
        counts[MessageTimings.BucketOf(40)] = 1;
        metrics.Messages.Add(MessageSpan.ArrivalToWritten, counts, 76);
        Assert.Throws<ArgumentException>(() => metrics.Messages.Add(MessageSpan.ArrivalToWritten, new long[3], 0));

        var text = new StringBuilder();
        metrics.WritePrometheus(text, new GatewayMetrics.Gauges(true, 0, 0, 0, false, 0));
        string[] lines = text.ToString().Split('\n');
        Assert.Contains("# TYPE tracking_gateway_message_seconds histogram", lines);
        Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"arrival_to_written\",le=\"0.01\"} 0", lines);
        Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"arrival_to_written\",le=\"0.015\"} 3", lines);
        Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"arrival_to_written\",le=\"0.05\"} 4", lines);
        Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"arrival_to_written\",le=\"+Inf\"} 4", lines);
        Assert.Contains("tracking_gateway_message_seconds_sum{span=\"arrival_to_written\"} 0.076", lines);
        Assert.Contains("tracking_gateway_message_seconds_count{span=\"arrival_to_written\"} 4", lines);
        Assert.Contains("tracking_gateway_message_seconds_count{span=\"reading_to_written\"} 0", lines);
    }

    [Fact]
    public async Task The_writer_records_every_written_message_once_with_its_arrival_and_its_newest_point()
    {
        using var spool = DiskSpool.Open(new SpoolOptions { Directory = _dir });
        using var deadLetters = new DeadLetterFile(_dir);
        // Telemetry of three readings, the first 10 s before arrival: the newest point is 8 s old on arrival.
        for (int seq = 0; seq < 12; seq += 3)
        {
            string payload = $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{ArrivalMs - 10_000 + seq},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1],[1000,4.6,55.0,1013.2,0.1],[2000,4.7,55.0,1013.2,0.1]]}}";
            Assert.True(spool.TryAppend(SpoolRecords.Of("tracking/v1/fleet/CSQU3054383/tag-1/telemetry", payload, ArrivalMs)));
        }

        // A status is stored at its arrival (protocol.md section 10): its point is as old as the message.
        Assert.True(spool.TryAppend(SpoolRecords.Of("tracking/v1/fleet/CSQU3054383/tag-1/status",
            """{"v":1,"online":true,"fw":"1.0.0","boot":1,"bat":3.9,"rssi":null,"spool":0,"thinned":0,"life_d":-1}""", ArrivalMs)));
        spool.Commit();

        // The writer's clock: InfluxDB acknowledges 40 ms after the arrival.
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(ArrivalMs + 40));
        var metrics = new GatewayMetrics();
        var sink = new AcknowledgingSink();
        var writer = new WriterStage(spool, sink, deadLetters, metrics, batchLines: 5000, TimeSpan.Zero, concurrency: 2,
            strictContainerIds: true, NullLogger.Instance, time);
        using var stop = new CancellationTokenSource();
        Task running = writer.RunAsync(stop.Token);
        await Poll.UntilAsync(() => spool.PendingRecords == 0, "every record is written and confirmed");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(13, sink.Lines);
        long[] arrival = metrics.Messages.Counts(MessageSpan.ArrivalToWritten);
        Assert.Equal(5, arrival.Sum()); // per message, not per line or per batch
        Assert.Equal(5, arrival[MessageTimings.BucketOf(40)]);
        long[] reading = metrics.Messages.Counts(MessageSpan.ReadingToWritten);
        Assert.Equal(4, reading[MessageTimings.BucketOf(8_040 - 9)]); // the newest of each telemetry: 8,031-8,040 ms old
        Assert.Equal(1, reading[MessageTimings.BucketOf(40)]);
        Assert.Equal(5, reading.Sum());
    }

    /// <summary>Acknowledges every line at once.</summary>
    private sealed class AcknowledgingSink : ILineSink
    {
        private int _lines;

        public int Lines => Volatile.Read(ref _lines);

        public LineProtocolBuffer CreateBuffer() => new();

        public Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
        {
            Interlocked.Add(ref _lines, lines.LineCount);
            return Task.FromResult(new WriteResult(Enumerable.Range(0, lines.LineCount)
                .Select(i => new LineOutcome(i, i, LineWriteStatus.Written, null)).ToArray()));
        }
    }
}
