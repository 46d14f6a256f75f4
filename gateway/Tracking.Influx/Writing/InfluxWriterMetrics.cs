using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tracking.Influx.Writing;

/// <summary>
/// Counters of one <see cref="InfluxWriter"/>, readable at any time (dashboard, health checks), and mirrored
/// into the <c>Tracking.Influx</c> <see cref="Meter"/> for OpenTelemetry-style collectors.
/// </summary>
public sealed class InfluxWriterMetrics
{
    public const string MeterName = "Tracking.Influx";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> LinesWrittenCounter = Meter.CreateCounter<long>("influx.lines.written", "{line}");
    private static readonly Counter<long> LinesRejectedCounter = Meter.CreateCounter<long>("influx.lines.rejected", "{line}");
    private static readonly Counter<long> LinesFailedCounter = Meter.CreateCounter<long>("influx.lines.failed", "{line}");
    private static readonly Counter<long> RequestsCounter = Meter.CreateCounter<long>("influx.requests", "{request}");
    private static readonly Counter<long> FailedRequestsCounter = Meter.CreateCounter<long>("influx.requests.failed", "{request}");
    private static readonly Counter<long> RetriesCounter = Meter.CreateCounter<long>("influx.retries", "{retry}");
    private static readonly Counter<long> ProbesAnsweredCounter = Meter.CreateCounter<long>("influx.probes.answered", "{probe}");
    private static readonly Histogram<double> LatencyHistogram = Meter.CreateHistogram<double>("influx.request.duration", "s");

    private long _linesWritten;
    private long _linesRejected;
    private long _linesFailed;
    private long _requests;
    private long _failedRequests;
    private long _retries;
    private long _bytesSent;
    private long _probesAnswered;
    private long _lastLatencyTicks = -1;

    public long LinesWritten => Volatile.Read(ref _linesWritten);

    public long LinesRejected => Volatile.Read(ref _linesRejected);

    /// <summary>Lines given up after <see cref="InfluxRetryOptions.MaxAttempts"/>.</summary>
    public long LinesFailed => Volatile.Read(ref _linesFailed);

    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Requests that ended in a network error, timeout or non-2xx status (line rejections included).</summary>
    public long FailedRequests => Volatile.Read(ref _failedRequests);

    public long Retries => Volatile.Read(ref _retries);

    /// <summary>Retry waits cut short because the unreachable server answered <c>/ping</c> again.</summary>
    public long ProbesAnswered => Volatile.Read(ref _probesAnswered);

    /// <summary>Bytes put on the wire (after compression).</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Duration of the most recent request that got an HTTP response; null before the first.</summary>
    public TimeSpan? LastLatency => Volatile.Read(ref _lastLatencyTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    internal void ProbeAnswered()
    {
        Interlocked.Increment(ref _probesAnswered);
        ProbesAnsweredCounter.Add(1);
    }

    internal void RequestSent(long bytes)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _bytesSent, bytes);
        RequestsCounter.Add(1);
    }

    internal void ResponseReceived(TimeSpan latency)
    {
        Volatile.Write(ref _lastLatencyTicks, latency.Ticks);
        LatencyHistogram.Record(latency.TotalSeconds);
    }

    internal void RequestFailed()
    {
        Interlocked.Increment(ref _failedRequests);
        FailedRequestsCounter.Add(1);
    }

    internal void Retried()
    {
        Interlocked.Increment(ref _retries);
        RetriesCounter.Add(1);
    }

    internal void Settled(WriteResult result)
    {
        Interlocked.Add(ref _linesWritten, result.WrittenCount);
        Interlocked.Add(ref _linesRejected, result.RejectedCount);
        Interlocked.Add(ref _linesFailed, result.FailedCount);
        LinesWrittenCounter.Add(result.WrittenCount);
        LinesRejectedCounter.Add(result.RejectedCount);
        LinesFailedCounter.Add(result.FailedCount);
    }

    internal static long Timestamp() => Stopwatch.GetTimestamp();
}
