using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>An <see cref="ILiveHistory"/> that records what it was asked and answers with set buckets, or as a database that is down.</summary>
public sealed class FakeHistory : ILiveHistory
{
    public List<(ContainerKey Container, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket)> Asked { get; } = [];
    public IReadOnlyList<ReadingBucket> Buckets { get; set; } = [];
    public LatestSnapshot Latest { get; set; } = new([], []);
    public bool Down { get; set; }

    public Task<IReadOnlyList<ReadingBucket>> DownsampleAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket,
        CancellationToken ct)
    {
        Asked.Add((container, from, to, bucket));
        if (Down) throw new HistoryUnavailableException("connection refused (127.0.0.1:8086)");
        return Task.FromResult(Buckets);
    }

    public Task<LatestSnapshot> LatestAsync(TimeSpan lookback, CancellationToken ct) =>
        Down ? throw new HistoryUnavailableException("connection refused") : Task.FromResult(Latest);
}
