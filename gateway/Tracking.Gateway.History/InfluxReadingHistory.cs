using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx.Query;

namespace Tracking.Gateway.History;

/// <summary>
/// The trip report's time series read from InfluxDB with InfluxQL over <c>/query</c> (docs/protocol.md section 10):
/// `env` readings, `shock` events and `tag_status` points of one container in [from, to), grouped by tag, plus each
/// tag's last `thinned` before the range. One request of four statements, streamed in chunks. The points `a0`-timed
/// readings are stored at (before 1970) are outside any range a report can ask for and not included.
/// </summary>
public sealed class InfluxReadingHistory(InfluxQueryClient client) : IReadingHistory
{
    public async Task<ContainerHistory> ReadAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        string query = Query(container, from, to);
        InfluxQueryResult result;
        try
        {
            result = await client.QueryAsync(query, chunked: true, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (InfluxQueryException ex)
        {
            throw new HistoryUnavailableException($"InfluxDB refused the report's query: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new HistoryUnavailableException($"InfluxDB unreachable: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HistoryUnavailableException("InfluxDB did not answer in time", ex);
        }
        return Parse(result);
    }

    /// <summary>The four statements; every value from outside goes through <see cref="InfluxQl"/>.</summary>
    public static string Query(ContainerKey container, DateTimeOffset from, DateTimeOffset to)
    {
        string who = $"fleet = {InfluxQl.String(container.Fleet)} AND container = {InfluxQl.String(container.Container)}";
        string range = $"time >= {InfluxQl.Time(from)} AND time < {InfluxQl.Time(to)}";
        return $"SELECT temp_c, rh_pct, pressure_hpa, boot, seq, t_est FROM env WHERE {who} AND {range} GROUP BY \"tag\"; "
            + $"SELECT g, boot, seq FROM shock WHERE {who} AND {range} GROUP BY \"tag\"; "
            + $"SELECT fw, thinned FROM tag_status WHERE {who} AND {range} GROUP BY \"tag\"; "
            + $"SELECT last(thinned) FROM tag_status WHERE {who} AND time < {InfluxQl.Time(from)} GROUP BY \"tag\"";
    }

    internal static ContainerHistory Parse(InfluxQueryResult result)
    {
        var readings = new List<HistoryReading>();
        var shocks = new List<HistoryShock>();
        var statuses = new List<HistoryStatus>();
        var before = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (InfluxStatementResult statement in result.Statements)
        {
            foreach (InfluxSeries series in statement.Series)
            {
                string tag = series.Tags.TryGetValue("tag", out string? t) ? t : "";
                var c = new Columns(series);
                foreach (object?[] row in series.Values)
                {
                    long time = c.Long(row, "time") ?? 0;
                    switch (statement.StatementId)
                    {
                        case 0:
                            readings.Add(new HistoryReading(tag, time, c.UInt(row, "boot"), c.UInt(row, "seq"), c.Double(row, "temp_c"),
                                c.Double(row, "rh_pct"), c.Double(row, "pressure_hpa"), c.Bool(row, "t_est")));
                            break;
                        case 1:
                            shocks.Add(new HistoryShock(tag, time, c.UInt(row, "boot"), c.UInt(row, "seq"), c.Double(row, "g")));
                            break;
                        case 2:
                            statuses.Add(new HistoryStatus(tag, time, c.String(row, "fw"), c.Long(row, "thinned")));
                            break;
                        case 3:
                            if (c.Long(row, "last") is { } thinned) before[tag] = thinned;
                            break;
                    }
                }
            }
        }
        return new ContainerHistory { Readings = readings, Shocks = shocks, Statuses = statuses, ThinnedBefore = before };
    }
}
