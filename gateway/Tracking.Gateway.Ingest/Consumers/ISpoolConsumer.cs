namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// Something that needs every accepted message besides InfluxDB (the rules, the live stream, an export). Each consumer
/// reads the spool with a reader and checkpoint of its own (<see cref="Name"/>), so it keeps running while InfluxDB is
/// down, and a slow consumer never holds up the writer (only the disk its unread records use). Delivery is at least
/// once: after a crash a consumer gets again what it had not returned from. Register with
/// <c>services.AddSingleton&lt;ISpoolConsumer, T&gt;()</c>.
/// </summary>
public interface ISpoolConsumer
{
    /// <summary>The spool reader's name (1-32 of [a-z0-9-]); its checkpoint file is named after it, so keep it stable.</summary>
    string Name { get; }

    /// <summary>
    /// Takes the next messages, in spool order. Returning confirms them; throwing hands the same messages again after a
    /// back-off (the <see cref="ConsumerStage"/> owns that retry), so a consumer never loses one by failing.
    /// </summary>
    ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct);
}
