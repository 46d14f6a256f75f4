namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// The time series the trip report is computed from, read back from where they are stored (InfluxDB: the host implements
/// it, so the rules room does not reference the InfluxDB client). The report uses nothing else of the time series, so its
/// numbers can be reproduced from the database alone.
/// </summary>
public interface IReadingHistory
{
    /// <summary>Everything of <paramref name="container"/> with a time in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <exception cref="HistoryUnavailableException">The database could not be reached or refused the query.</exception>
    Task<ContainerHistory> ReadAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);
}
