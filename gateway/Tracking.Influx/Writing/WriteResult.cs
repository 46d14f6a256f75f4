namespace Tracking.Influx.Writing;

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
