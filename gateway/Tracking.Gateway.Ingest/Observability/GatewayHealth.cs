using System.Globalization;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// Judges the gateway's state against <see cref="HealthOptions"/>: broker connection, how long InfluxDB has taken no
/// write, spool fill and blocking (full for the next record, disk errors), dead-letter rate and file errors. Each call
/// also samples the dead-letter count for the rate, so it is called regularly, not only when /healthz is asked.
/// </summary>
public sealed class GatewayHealth(HealthOptions settings, TimeProvider? time = null)
{
    private readonly SlidingRate _deadLetterRate = new(settings.DeadLetterWindow, time);

    /// <param name="mqttConnected">The client is connected to the broker.</param>
    /// <param name="spool">Null until the spool is open.</param>
    /// <param name="deadLetters">Letters written since the start (their count grows).</param>
    /// <param name="deadLetterError">Why the dead-letter file could not be written, if it could not.</param>
    /// <param name="influxUnreachableFor">How long InfluxDB has taken none of the writes waiting for it.</param>
    /// <param name="writerStalledFor">How long the writer has left committed records waiting with no write in flight
    /// (<see cref="Pipeline.WriterStage.StalledFor"/>).</param>
    public HealthSnapshot Evaluate(bool mqttConnected, DiskSpool? spool, long deadLetters, string? deadLetterError, TimeSpan influxUnreachableFor,
        TimeSpan writerStalledFor = default)
    {
        var problems = new List<string>();
        if (!mqttConnected) problems.Add("mqtt not connected");
        if (influxUnreachableFor >= settings.InfluxUnreachableAfter)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"influxdb unreachable for {influxUnreachableFor.TotalSeconds:0} s (limit {settings.InfluxUnreachableAfter.TotalSeconds:0.###} s)"));
        }

        if (writerStalledFor >= settings.WriterStalledAfter)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"writer stalled for {writerStalledFor.TotalSeconds:0} s: committed records wait with no write in flight (limit {settings.WriterStalledAfter.TotalSeconds:0.###} s)"));
        }

        double fill = 0;
        bool blocked = false;
        if (spool is null)
        {
            problems.Add("spool not open");
        }
        else
        {
            fill = spool.FillRatio;
            if (fill >= settings.SpoolHighWaterMark)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"spool above high-water mark: {fill:P1} of {spool.MaxBytes} bytes used (limit {settings.SpoolHighWaterMark:P0})"));
            }

            if (spool.BlockedReason is { } reason)
            {
                blocked = true;
                problems.Add("spool blocked: " + reason);
            }

            if (spool.CheckpointError is { } checkpoint) problems.Add("spool checkpoint not written: " + checkpoint);
        }

        double rate = _deadLetterRate.PerMinute(deadLetters);
        if (settings.DeadLettersPerMinute > 0 && rate > settings.DeadLettersPerMinute)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"dead letters at {rate:0.#}/min over {settings.DeadLetterWindow.TotalMinutes:0.##} min (limit {settings.DeadLettersPerMinute}/min)"));
        }

        if (deadLetterError is not null) problems.Add("dead-letter file not written: " + deadLetterError);
        return new HealthSnapshot(problems, influxUnreachableFor.TotalSeconds, fill, blocked, rate, writerStalledFor.TotalSeconds);
    }
}
