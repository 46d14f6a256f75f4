namespace Tracking.Influx.Batching;

/// <summary>When <see cref="InfluxBatchWriter"/> sends a batch and how much it holds before callers must wait.</summary>
public sealed class InfluxBatchOptions
{
    public const string SectionName = "Influx:Batching";

    /// <summary>A batch is sent as soon as it has this many lines (InfluxDB suggests 5 000 per request).</summary>
    public int MaxBatchLines { get; set; } = 5000;

    /// <summary>A non-empty batch is sent at the latest this long after its first line was added.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Lines added but not yet settled (queued or being written). <c>AddAsync</c> waits while the
    /// limit is reached, which propagates back-pressure to the producer instead of growing memory.</summary>
    public int MaxPendingLines { get; set; } = 50_000;

    /// <summary>How long disposal waits for queued batches to be written before cancelling them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (MaxBatchLines < 1)
        {
            throw new ArgumentException($"{nameof(MaxBatchLines)} must be at least 1.");
        }

        if (MaxPendingLines < MaxBatchLines)
        {
            throw new ArgumentException($"{nameof(MaxPendingLines)} must be at least {nameof(MaxBatchLines)}.");
        }

        if (FlushInterval <= TimeSpan.Zero || ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(FlushInterval)} must be positive and {nameof(ShutdownTimeout)} not negative.");
        }
    }
}
