namespace Tracking.Influx.Writing;

/// <summary>
/// Durable home for refused lines. <see cref="InfluxWriter.WriteAsync"/> completes only after the sink has
/// accepted every rejected line of the write; if the sink throws, the write throws too and nothing of it should
/// be acknowledged (a replay rewrites the good lines idempotently).
/// </summary>
public interface IDeadLetterSink
{
    ValueTask WriteAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken);
}
