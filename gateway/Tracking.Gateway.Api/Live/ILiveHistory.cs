using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// The time series the API reads (InfluxDB in the gateway: the host implements this with its query client, so this room
/// never depends on InfluxDB's types). Both methods throw <see cref="Tracking.Gateway.Rules.Report.HistoryUnavailableException"/> when the
/// database cannot answer.
/// </summary>
public interface ILiveHistory
{
    /// <summary>
    /// The container's readings in [<paramref name="from"/>, <paramref name="to"/>) over all its tags, in buckets of
    /// <paramref name="bucket"/> aligned to the Unix epoch, with min, max and mean of each sensor; buckets without
    /// readings absent. Oldest first.
    /// </summary>
    Task<IReadOnlyList<ReadingBucket>> DownsampleAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket,
        CancellationToken ct);

    /// <summary>Each tag's newest reading and newest status within <paramref name="lookback"/> of now: refills the live view after a start.</summary>
    Task<LatestSnapshot> LatestAsync(TimeSpan lookback, CancellationToken ct);
}
