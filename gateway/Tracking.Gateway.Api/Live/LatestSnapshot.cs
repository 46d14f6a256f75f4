using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Live;

/// <summary>What <see cref="ILiveHistory.LatestAsync"/> found: each tag's newest reading and newest status.</summary>
public sealed record LatestSnapshot(
    IReadOnlyList<(ContainerKey Container, string Tag, LiveReading Reading)> Readings,
    IReadOnlyList<(ContainerKey Container, string Tag, LiveTagStatus Status)> Statuses);
