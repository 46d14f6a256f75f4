using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>The gateway's own counters; rendered as Prometheus text by <see cref="WritePrometheus"/>.</summary>
public sealed class GatewayMetrics
{
    private readonly long[] _rejected = new long[RejectReasons.All.Length];
    private long _received, _spooled, _duplicates, _ignored, _linesWritten, _linesRejected, _writeBatches, _writeFailures;
    private long _writeLatencyTicks, _lastWriteLatencyTicks = -1, _backPressureWaits;
    private long _throttleEpisodes, _throttledTags, _stageRestarts;

    public long Received => Interlocked.Read(ref _received);
    public long Spooled => Interlocked.Read(ref _spooled);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Ignored => Interlocked.Read(ref _ignored);
    public long LinesWritten => Interlocked.Read(ref _linesWritten);
    public long LinesRejectedByInflux => Interlocked.Read(ref _linesRejected);
    public long WriteBatches => Interlocked.Read(ref _writeBatches);
    public long BackPressureWaits => Interlocked.Read(ref _backPressureWaits);

    /// <summary>Spool consumer stages started again after they failed unexpectedly (GatewayService).</summary>
    public long StageRestarts => Interlocked.Read(ref _stageRestarts);
    public long RejectedTotal => _rejected.Sum(v => Interlocked.Read(ref v));

    /// <summary>Messages that passed validation: spooled, or dropped as duplicates of spooled ones.</summary>
    public long Accepted => Spooled + Duplicates;

    /// <summary>InfluxDB write attempts that failed (and were retried) plus lines InfluxDB refused.</summary>
    public long InfluxErrors => Interlocked.Read(ref _writeFailures) + LinesRejectedByInflux;

    /// <summary>Per-stage timings of the way from the broker to InfluxDB (bench ingest prints them).</summary>
    public StageTimings Stages { get; } = new();

    /// <summary>Per message InfluxDB acknowledged: the gateway's share and the age of its newest point (issue 11's p99 is per message).</summary>
    public MessageTimings Messages { get; } = new();

    /// <summary>Times a tag went over its rate limit (one per episode: from its first refused message to its next accepted one).</summary>
    public long ThrottleEpisodes => Interlocked.Read(ref _throttleEpisodes);

    /// <summary>Tags over their rate limit now.</summary>
    public long ThrottledTags => Interlocked.Read(ref _throttledTags);

    public long Rejected(RejectReason reason) => Interlocked.Read(ref _rejected[(int)reason]);

    internal void OnReceived() => Interlocked.Increment(ref _received);
    internal void OnSpooled() => Interlocked.Increment(ref _spooled);
    internal void OnDuplicate() => Interlocked.Increment(ref _duplicates);
    internal void OnIgnored() => Interlocked.Increment(ref _ignored);
    internal void OnRejected(RejectReason reason) => Interlocked.Increment(ref _rejected[(int)reason]);
    internal void OnRateLimit(bool episodeStarted, int throttledTags)
    {
        if (episodeStarted) Interlocked.Increment(ref _throttleEpisodes);
        Volatile.Write(ref _throttledTags, throttledTags);
    }

    internal void OnBackPressure() => Interlocked.Increment(ref _backPressureWaits);
    internal void OnWriteFailed() => Interlocked.Increment(ref _writeFailures);
    internal void OnStageRestart() => Interlocked.Increment(ref _stageRestarts);

    // CPU ticks per spool consumer (ConsumerStage): its hand-overs and saves that ran on one thread.
    private readonly ConcurrentDictionary<string, StrongBox<long>> _consumerCpu = new(StringComparer.Ordinal);

    /// <summary>CPU time a spool consumer's own work took: its hand-overs and saves that ran on one thread (ConsumerStage).</summary>
    public TimeSpan ConsumerCpu(string consumer) =>
        _consumerCpu.TryGetValue(consumer, out StrongBox<long>? ticks) ? TimeSpan.FromTicks(Interlocked.Read(ref ticks.Value)) : TimeSpan.Zero;

    internal void OnConsumerCpu(string consumer, long ticks) =>
        Interlocked.Add(ref _consumerCpu.GetOrAdd(consumer, static _ => new StrongBox<long>()).Value, ticks);

    internal void OnWritten(int written, int rejected, TimeSpan latency)
    {
        Interlocked.Add(ref _linesWritten, written);
        Interlocked.Add(ref _linesRejected, rejected);
        Interlocked.Increment(ref _writeBatches);
        Interlocked.Add(ref _writeLatencyTicks, latency.Ticks);
        Interlocked.Exchange(ref _lastWriteLatencyTicks, latency.Ticks);
    }

    /// <summary>Live values owned by other components, read when rendering.</summary>
    public sealed record Gauges(bool MqttConnected, long Reconnects, long SpoolRecords, long SpoolBytes, bool SpoolFull, long DeadLetters,
        HealthSnapshot? Health = null, long DeadLettersDropped = 0, long DeadLetterRotations = 0,
        IReadOnlyList<KeyValuePair<string, long>>? ReaderRecords = null, long? MqttDelivered = null, long? MqttQueued = null);

    public void WritePrometheus(StringBuilder text, Gauges gauges)
    {
        Counter(text, "tracking_gateway_messages_received_total", "MQTT messages received", Received);
        Counter(text, "tracking_gateway_messages_spooled_total", "Messages accepted into the spool", Spooled);
        Counter(text, "tracking_gateway_messages_duplicate_total", "Messages dropped as duplicates (same tag, boot, seq)", Duplicates);
        Counter(text, "tracking_gateway_messages_ignored_total", "Messages on topics the gateway does not ingest (config)", Ignored);
        Header(text, "tracking_gateway_messages_rejected_total", "Messages rejected, by reason", "counter");
        foreach (RejectReason reason in RejectReasons.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"tracking_gateway_messages_rejected_total{{reason=\"{reason.Label()}\"}} {Rejected(reason)}\n");
        }

        Counter(text, "tracking_gateway_tag_throttle_episodes_total", "Times a tag went over its rate limit (TagRateLimit); its messages meanwhile count as rejected rate_limited", ThrottleEpisodes);
        Gauge(text, "tracking_gateway_tags_throttled", "Tags over their rate limit at their last message", ThrottledTags);
        Counter(text, "tracking_gateway_dead_letters_total", "Records written to the dead-letter file", gauges.DeadLetters);
        Counter(text, "tracking_gateway_dead_letters_dropped_total", "Dead letters dropped by the bound (more waiting for one fsync than DeadLetters:MaxFileBytes)", gauges.DeadLettersDropped);
        Counter(text, "tracking_gateway_dead_letter_rotations_total", "Dead-letter file rotations (the oldest of DeadLetters:MaxFiles deleted)", gauges.DeadLetterRotations);
        Counter(text, "tracking_gateway_lines_written_total", "Lines InfluxDB acknowledged", LinesWritten);
        Counter(text, "tracking_gateway_lines_rejected_total", "Lines InfluxDB refused (dead-lettered)", LinesRejectedByInflux);
        Counter(text, "tracking_gateway_write_batches_total", "InfluxDB write batches completed", WriteBatches);
        Counter(text, "tracking_gateway_write_failures_total", "InfluxDB write batches that failed and were retried", Interlocked.Read(ref _writeFailures));
        Counter(text, "tracking_gateway_write_latency_seconds_total", "Sum of InfluxDB batch write durations", TimeSpan.FromTicks(Interlocked.Read(ref _writeLatencyTicks)).TotalSeconds);
        long last = Interlocked.Read(ref _lastWriteLatencyTicks);
        Gauge(text, "tracking_gateway_write_latency_last_seconds", "Duration of the last InfluxDB batch write", last < 0 ? 0 : TimeSpan.FromTicks(last).TotalSeconds);
        Counter(text, "tracking_gateway_mqtt_reconnects_total", "MQTT reconnections", gauges.Reconnects);
        Gauge(text, "tracking_gateway_mqtt_connected", "1 when connected to the broker", gauges.MqttConnected ? 1 : 0);
        // Beside messages_received_total (what ingest took): a stall shows on which side of the client's queue it is.
        if (gauges.MqttDelivered is { } delivered)
        {
            Counter(text, "tracking_gateway_mqtt_messages_delivered_total", "Messages the MQTT client took from the broker (ingest reads them from its queue)", delivered);
        }

        if (gauges.MqttQueued is { } queued)
        {
            Gauge(text, "tracking_gateway_mqtt_queue_messages", "Messages in the MQTT client's queue, not yet read by ingest", queued);
        }

        Gauge(text, "tracking_gateway_spool_records", "Spooled records the slowest spool reader has not confirmed", gauges.SpoolRecords);
        if (gauges.ReaderRecords is { Count: > 0 } readers)
        {
            Header(text, "tracking_gateway_spool_reader_records", "Spooled records each reader (writer: InfluxDB; consumers) has not confirmed", "gauge");
            foreach (var (reader, records) in readers)
            {
                text.Append(CultureInfo.InvariantCulture, $"tracking_gateway_spool_reader_records{{reader=\"{reader}\"}} {records}\n");
            }
        }

        Gauge(text, "tracking_gateway_spool_bytes", "Bytes of spool segments on disk", gauges.SpoolBytes);
        Gauge(text, "tracking_gateway_spool_full", "1 while the spool is full and ingest is paused", gauges.SpoolFull ? 1 : 0);
        Counter(text, "tracking_gateway_spool_backpressure_total", "Times ingest paused because the spool was full or the disk failed", BackPressureWaits);
        Counter(text, "tracking_gateway_stage_restarts_total", "Spool consumer stages started again after they failed unexpectedly", StageRestarts);
        if (!_consumerCpu.IsEmpty)
        {
            Header(text, "tracking_gateway_consumer_cpu_seconds_total",
                "CPU time of each spool consumer's own work: its batches handed over and its saves, when they ran on one thread (its spool reading not included)", "counter");
            foreach ((string consumer, StrongBox<long> ticks) in _consumerCpu.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"tracking_gateway_consumer_cpu_seconds_total{{consumer=\"{consumer}\"}} {TimeSpan.FromTicks(Interlocked.Read(ref ticks.Value)).TotalSeconds:0.######}\n");
            }
        }
        if (gauges.Health is { } health)
        {
            Gauge(text, "tracking_gateway_influx_unreachable_seconds", "How long InfluxDB has taken none of the writes waiting for it (0 when none waits)", health.InfluxUnreachableSeconds);
            Gauge(text, "tracking_gateway_writer_stalled_seconds", "How long committed records have waited for the writer with no write in flight and no confirmation", health.WriterStalledSeconds);
            Gauge(text, "tracking_gateway_spool_fill_ratio", "Share of Spool:MaxBytes in use", health.SpoolFillRatio);
            Gauge(text, "tracking_gateway_spool_blocked", "1 while the spool cannot take the next record (full for it, or a disk error)", health.SpoolBlocked ? 1 : 0);
            Gauge(text, "tracking_gateway_dead_letter_rate_per_minute", "Dead letters per minute over Health:DeadLetterWindow", health.DeadLettersPerMinute);
            Gauge(text, "tracking_gateway_health_ok", "1 when /healthz reports no problem", health.Ok ? 1 : 0);
        }

        Stages.WritePrometheus(text);
        Messages.WritePrometheus(text);
        // The process's allocations and collections: bench ingest divides them by the messages of a run (bytes allocated
        // per message is a figure the machine's load does not move, unlike CPU seconds).
        Counter(text, "tracking_gateway_gc_allocated_bytes_total", "Bytes the gateway process allocated on the managed heap", GC.GetTotalAllocatedBytes());
        Header(text, "tracking_gateway_gc_collections_total", "Garbage collections of the gateway process, by generation", "counter");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            text.Append(CultureInfo.InvariantCulture, $"tracking_gateway_gc_collections_total{{generation=\"{generation}\"}} {GC.CollectionCount(generation)}\n");
        }
    }

    private static void Counter(StringBuilder text, string name, string help, double value)
    {
        Header(text, name, help, "counter");
        text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
    }

    private static void Gauge(StringBuilder text, string name, string help, double value)
    {
        Header(text, name, help, "gauge");
        text.Append(CultureInfo.InvariantCulture, $"{name} {value}\n");
    }

    private static void Header(StringBuilder text, string name, string help, string type) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");

    internal static long Now() => Stopwatch.GetTimestamp();
}
