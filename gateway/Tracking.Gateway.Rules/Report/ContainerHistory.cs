namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// What InfluxDB holds of one container over a time range: its readings, shock events and tag statuses, and per tag the
/// last thinning count reported before the range (the baseline the range's thinning is counted from).
/// </summary>
public sealed record ContainerHistory
{
    public IReadOnlyList<HistoryReading> Readings { get; init; } = [];
    public IReadOnlyList<HistoryShock> Shocks { get; init; } = [];
    public IReadOnlyList<HistoryStatus> Statuses { get; init; } = [];
    public IReadOnlyDictionary<string, long> ThinnedBefore { get; init; } = new Dictionary<string, long>();

    public bool IsEmpty => Readings.Count == 0 && Shocks.Count == 0 && Statuses.Count == 0;
}
