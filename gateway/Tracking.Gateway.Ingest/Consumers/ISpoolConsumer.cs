namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// Something that needs every accepted message besides InfluxDB (the rules, the live stream, an export). Each consumer
/// reads the spool with a reader and checkpoint of its own (<see cref="Name"/>), so it keeps running while InfluxDB is
/// down, and a slow consumer never holds up the writer (only the disk its unread records use). Delivery is at least
/// once: after a crash a consumer gets again what it had not made durable. Register with
/// <c>services.AddSingleton&lt;ISpoolConsumer, T&gt;()</c>.
/// </summary>
public interface ISpoolConsumer
{
    /// <summary>The spool reader's name (1-32 of [a-z0-9-]); its checkpoint file is named after it, so keep it stable.</summary>
    string Name { get; }

    /// <summary>
    /// Zero (the default): returning from <see cref="ConsumeAsync"/> makes the messages durable, and they are confirmed
    /// within <see cref="ConsumerStage.ConfirmInterval"/> (one checkpoint fsync for all batches returned in it). Above zero: the consumer keeps what it took in memory and makes it durable in <see cref="SaveAsync"/>,
    /// which the <see cref="ConsumerStage"/> calls at most this long after the first unsaved batch (and when the spool has
    /// nothing more to read for that long); records are confirmed only up to the last batch returned before a
    /// <see cref="SaveAsync"/> that returned. After a crash the spool hands over again everything after that point, so
    /// the consumer must re-derive the same result from a replay (duplicates ignored, side effects keyed).
    /// </summary>
    TimeSpan SaveInterval => TimeSpan.Zero;

    /// <summary>
    /// Zero (the default): the stage reads again as soon as anything is committed (every group commit, a few ms apart
    /// under load). Above zero: once it has caught up, the stage waits this long before it reads again, so a consumer
    /// that needs no low latency takes fewer and bigger batches: each wake-up of a stage costs thread hand-overs and the
    /// consumer's per-batch work (the rules' third stage woke on every commit: most of what the rules added to bench
    /// ingest's CPU was that, not the rules). The records it has not read meanwhile stay in the <see cref="DecodedBatchRing"/>.
    /// </summary>
    TimeSpan CollectDelay => TimeSpan.Zero;

    /// <summary>
    /// The most messages the stage hands over at once (<see cref="ConsumerStage.MaxBatch"/> by default; at most
    /// <see cref="ConsumerStage.MaxBatchLimit"/>). A consumer whose work per batch shrinks with what the batch holds of
    /// one source (the rules: a container's readings in one pass over its state) takes bigger ones.
    /// </summary>
    int MaxBatch => ConsumerStage.MaxBatch;

    /// <summary>
    /// Takes the next messages, in spool order. Returning confirms them (or, with a <see cref="SaveInterval"/>, lets the
    /// next <see cref="SaveAsync"/> do so); throwing hands the same messages again after a back-off (the
    /// <see cref="ConsumerStage"/> owns that retry), so a consumer never loses one by failing.
    /// </summary>
    ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct);

    /// <summary>
    /// Makes everything <see cref="ConsumeAsync"/> returned from so far durable (only called with a
    /// <see cref="SaveInterval"/>). Throwing confirms nothing: the stage calls it again after a back-off.
    /// </summary>
    ValueTask SaveAsync(CancellationToken ct) => ValueTask.CompletedTask;
}
