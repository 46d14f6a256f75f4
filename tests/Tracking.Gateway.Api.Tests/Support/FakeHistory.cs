using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>An <see cref="IReadingHistory"/> answering from a list (or failing as a down database does), recording the calls.</summary>
public sealed class FakeHistory : IReadingHistory
{
    public List<HistoryReading> Readings { get; } = [];
    public List<HistoryShock> Shocks { get; } = [];
    public List<HistoryStatus> Statuses { get; } = [];
    public bool Down { get; set; }
    public List<(ContainerKey Container, DateTimeOffset From, DateTimeOffset To)> Calls { get; } = [];

    public Task<ContainerHistory> ReadAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        Calls.Add((container, from, to));
        if (Down) throw new HistoryUnavailableException("connection refused (127.0.0.1:8086)");
        return Task.FromResult(new ContainerHistory { Readings = [.. Readings], Shocks = [.. Shocks], Statuses = [.. Statuses] });
    }
}
