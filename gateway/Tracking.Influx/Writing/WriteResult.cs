namespace Tracking.Influx.Writing;

public enum LineWriteStatus
{
    /// <summary>InfluxDB acknowledged the line (HTTP 2xx for a request containing it).</summary>
    Written,

    /// <summary>InfluxDB refused this very line (HTTP 400/413/422 for it alone); it went to the dead-letter sink.
    /// Sending it again would fail the same way.</summary>
    Rejected,

    /// <summary>Not written because retries ran out (<see cref="InfluxRetryOptions.MaxAttempts"/>); keep it and
    /// try again later.</summary>
    Failed,
}

/// <summary>What happened to one line of a write.</summary>
/// <param name="Index">Position of the line in the written buffer.</param>
/// <param name="ItemId">The caller's id given to <c>BeginLine</c> (or the batch writer).</param>
/// <param name="Error">Server's message for <see cref="LineWriteStatus.Rejected"/>, last error for <see cref="LineWriteStatus.Failed"/>.</param>
public readonly record struct LineOutcome(int Index, long ItemId, LineWriteStatus Status, string? Error);

/// <summary>Per-line result of <see cref="InfluxWriter.WriteAsync"/>. A line that is <see cref="LineWriteStatus.Written"/>
/// or <see cref="LineWriteStatus.Rejected"/> (and so dead-lettered) is settled: its source may be acknowledged.</summary>
public sealed class WriteResult
{
    private readonly LineOutcome[] _lines;

    public WriteResult(LineOutcome[] lines)
    {
        _lines = lines;
        foreach (LineOutcome line in lines)
        {
            switch (line.Status)
            {
                case LineWriteStatus.Written: WrittenCount++; break;
                case LineWriteStatus.Rejected: RejectedCount++; break;
                default: FailedCount++; break;
            }
        }
    }

    public IReadOnlyList<LineOutcome> Lines => _lines;

    public int WrittenCount { get; }

    public int RejectedCount { get; }

    public int FailedCount { get; }

    /// <summary>True when every line is written or dead-lettered, so the whole batch may be acknowledged.</summary>
    public bool IsSettled => FailedCount == 0;

    public IEnumerable<LineOutcome> Rejected => _lines.Where(l => l.Status == LineWriteStatus.Rejected);

    public IEnumerable<LineOutcome> Failed => _lines.Where(l => l.Status == LineWriteStatus.Failed);

    public override string ToString() => $"{WrittenCount} written, {RejectedCount} rejected, {FailedCount} failed";
}
