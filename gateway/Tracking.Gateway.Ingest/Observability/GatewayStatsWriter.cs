using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Schema;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.LineProtocol;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// Writes the gateway's own counters as the <c>gateway</c> measurement (docs/protocol.md section 10), tagged with
/// its instance id, every interval, through the same sink as the tag data. A sample that cannot be written is
/// dropped (the next one carries the counters on): these are monitoring points, not data to keep at any cost.
/// </summary>
public sealed partial class GatewayStatsWriter(
    GatewayMetrics metrics,
    DiskSpool spool,
    ILineSink sink,
    string instanceId,
    TimeSpan interval,
    ILogger logger,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Writes a sample every interval until cancelled; a non-positive interval writes none.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (interval <= TimeSpan.Zero) return;
        using LineProtocolBuffer buffer = sink.CreateBuffer();
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                await WriteSampleAsync(buffer, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Appends one sample of the counters at <paramref name="timeMs"/>.</summary>
    public void Append(LineProtocolBuffer buffer, long timeMs) =>
        buffer.BeginLine(InfluxLines.Gateway).Tag("gateway", instanceId)
            .IntegerField("received", metrics.Received)
            .IntegerField("accepted", metrics.Accepted)
            .IntegerField("rejected", metrics.RejectedTotal)
            .IntegerField("duplicates", metrics.Duplicates)
            .IntegerField("spooled", metrics.Spooled)
            .IntegerField("influx_points", metrics.LinesWritten)
            .IntegerField("influx_errors", metrics.InfluxErrors)
            .IntegerField("spool_bytes", spool.DiskBytes)
            .End(timeMs);

    private async Task WriteSampleAsync(LineProtocolBuffer buffer, CancellationToken ct)
    {
        buffer.Clear();
        Append(buffer, _time.GetUtcNow().ToUnixTimeMilliseconds());
        // One interval at most: a sample must not queue up behind a slow or absent InfluxDB.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(interval);
        try
        {
            var result = await sink.WriteAsync(buffer, deadline.Token).ConfigureAwait(false);
            if (!result.IsSettled || result.RejectedCount > 0) LogSampleNotWritten(logger, result.ToString());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogSampleNotWritten(logger, "timed out");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSampleNotWritten(logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Gateway counters sample not written: {Reason}")]
    private static partial void LogSampleNotWritten(ILogger logger, string reason);
}
