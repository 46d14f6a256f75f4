using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Api.Live;

/// <summary>The history until a host registers its own: nothing to read (the readings endpoint answers 503, no refill).</summary>
internal sealed class NoLiveHistory : ILiveHistory
{
    public Task<IReadOnlyList<ReadingBucket>> DownsampleAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket,
        CancellationToken ct) => throw new HistoryUnavailableException("no time-series database is configured");

    public Task<LatestSnapshot> LatestAsync(TimeSpan lookback, CancellationToken ct) => Task.FromResult(new LatestSnapshot([], []));
}
