using System.Globalization;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Ingest.Schema;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx.Query;

namespace Tracking.Gateway.History;

/// <summary>
/// The gateway's time series read back from InfluxDB with InfluxQL over <c>/query</c> (docs/protocol.md section 10), for
/// every room that reads them: the trip report (<see cref="IReadingHistory"/>: `env` readings, `shock` events and
/// `tag_status` points of one container in [from, to), grouped by tag, plus each tag's last `thinned` before the range;
/// one request of four statements, streamed in chunks; the points `a0`-timed readings are stored at, before 1970, are
/// outside any range a report can ask for) and the live API (<see cref="ILiveHistory"/>: charts downsampled by the
/// database, GROUP BY time with min/max/mean and fill(none), so an empty bucket is no row and a gap stays a gap; the
/// newest values that refill the live view after a start). Every failure to answer is a
/// <see cref="HistoryUnavailableException"/> (the API's 503).
/// </summary>
public sealed class InfluxReadingHistory(InfluxQueryClient client) : IReadingHistory, ILiveHistory
{
    /// <summary>A caller waits at most this long for the database (an API caller then gets 503).</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    public async Task<ContainerHistory> ReadAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        Parse(await RunAsync(Query(container, from, to), ct, chunked: true).ConfigureAwait(false));

    public async Task<IReadOnlyList<ReadingBucket>> DownsampleAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket,
        CancellationToken ct)
    {
        string q = DownsampleQuery(container, from, to, bucket);
        InfluxQueryResult result = await RunAsync(q, ct).ConfigureAwait(false);
        List<ReadingBucket> buckets = [];
        foreach (InfluxSeries s in result.Series)
        {
            int[] c = [.. new[] { "time", "n", "t_min", "t_max", "t_mean", "rh_min", "rh_max", "rh_mean", "p_min", "p_max", "p_mean", "g_max" }
                .Select(s.ColumnIndex)];
            for (int row = 0; row < s.RowCount; row++)
            {
                buckets.Add(new ReadingBucket(DateTimeOffset.FromUnixTimeMilliseconds(s.Long(row, c[0]) ?? 0), s.Long(row, c[1]) ?? 0,
                    s.Double(row, c[2]), s.Double(row, c[3]), s.Double(row, c[4]), s.Double(row, c[5]), s.Double(row, c[6]),
                    s.Double(row, c[7]), s.Double(row, c[8]), s.Double(row, c[9]), s.Double(row, c[10]), s.Double(row, c[11])));
            }
        }
        buckets.Sort((a, b) => a.Start.CompareTo(b.Start));
        return buckets;
    }

    /// <summary>The InfluxQL of <see cref="DownsampleAsync"/>; ids as escaped literals, times as epoch ms.</summary>
    public static string DownsampleQuery(ContainerKey container, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket) =>
        string.Create(CultureInfo.InvariantCulture,
            $"SELECT count(seq) AS n, min(temp_c) AS t_min, max(temp_c) AS t_max, mean(temp_c) AS t_mean, min(rh_pct) AS rh_min, "
            + $"max(rh_pct) AS rh_max, mean(rh_pct) AS rh_mean, min(pressure_hpa) AS p_min, max(pressure_hpa) AS p_max, "
            + $"mean(pressure_hpa) AS p_mean, max(peak_g) AS g_max FROM {InfluxLines.Env} "
            + $"WHERE fleet = {InfluxQl.String(container.Fleet)} AND container = {InfluxQl.String(container.Container)} "
            + $"AND time >= {InfluxQl.Time(from)} AND time < {InfluxQl.Time(to)} "
            + $"GROUP BY time({(long)bucket.TotalSeconds}s) fill(none)");

    public async Task<LatestSnapshot> LatestAsync(TimeSpan lookback, CancellationToken ct)
    {
        string since = string.Create(CultureInfo.InvariantCulture, $"time > now() - {(long)lookback.TotalSeconds}s");
        // "tag" is an InfluxQL keyword: quoted as an identifier. Statement 0: each tag's newest reading, whole row. 1: each status field's last value (a will carries only
        // online=false, so the last row alone would lose the battery). 2: the newest status's time and online flag.
        string q = $"SELECT temp_c, rh_pct, pressure_hpa, peak_g FROM {InfluxLines.Env} WHERE {since} GROUP BY fleet, container, \"tag\" ORDER BY time DESC LIMIT 1; "
            + $"SELECT last(fw) AS fw, last(bat) AS bat, last(rssi) AS rssi, last(spool) AS spool, last(report_s) AS report_s "
            + $"FROM {InfluxLines.TagStatus} WHERE {since} GROUP BY fleet, container, \"tag\"; "
            + $"SELECT last(online) AS online FROM {InfluxLines.TagStatus} WHERE {since} GROUP BY fleet, container, \"tag\"";
        InfluxQueryResult result = await RunAsync(q, ct, chunked: true).ConfigureAwait(false);
        List<(ContainerKey, string, LiveReading)> readings = [];
        Dictionary<(ContainerKey, string), (string? Fw, double Bat, long? Rssi, long? Spool, long? ReportS)> fields = [];
        Dictionary<(ContainerKey, string), (long Time, bool Online)> online = [];
        foreach (InfluxStatementResult statement in result.Statements)
        {
            foreach (InfluxSeries s in statement.Series)
            {
                if (!s.Tags.TryGetValue("fleet", out string? fleet) || !s.Tags.TryGetValue("container", out string? box)
                    || !s.Tags.TryGetValue("tag", out string? tag) || s.RowCount == 0)
                {
                    continue;
                }
                var id = (new ContainerKey(fleet, box), tag);
                switch (statement.StatementId)
                {
                    case 0:
                        readings.Add((id.Item1, tag, new LiveReading(s.Long(0, s.ColumnIndex("time")) ?? 0, s.Double(0, s.ColumnIndex("temp_c")),
                            s.Double(0, s.ColumnIndex("rh_pct")), s.Double(0, s.ColumnIndex("pressure_hpa")), s.Double(0, s.ColumnIndex("peak_g")))));
                        break;
                    case 1:
                        int fw = s.ColumnIndex("fw");
                        fields[id] = (s.Kind(0, fw) == InfluxCellKind.String ? s.String(0, fw) : null, s.Double(0, s.ColumnIndex("bat")),
                            Integer(s, s.ColumnIndex("rssi")), Integer(s, s.ColumnIndex("spool")), Integer(s, s.ColumnIndex("report_s")));
                        break;
                    case 2:
                        online[id] = (s.Long(0, s.ColumnIndex("time")) ?? 0, s.Bool(0, s.ColumnIndex("online")) is true);
                        break;
                }
            }
        }
        List<(ContainerKey, string, LiveTagStatus)> statuses = [];
        foreach (((ContainerKey box, string tag) id, (long time, bool isOnline)) in online)
        {
            var f = fields.TryGetValue(id, out var known) ? known : (null, double.NaN, null, null, null);
            statuses.Add((id.box, id.tag, new LiveTagStatus(time, isOnline, f.Bat, f.Rssi, f.Spool, f.Fw, f.ReportS)));
        }
        return new LatestSnapshot(readings, statuses);
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
                int time = c["time"], boot = c["boot"], seq = c["seq"];
                (int a, int b, int d, int e) = statement.StatementId switch
                {
                    0 => (c["temp_c"], c["rh_pct"], c["pressure_hpa"], c["t_est"]),
                    1 => (c["g"], -1, -1, -1),
                    2 => (c["fw"], c["thinned"], -1, -1),
                    _ => (c["last"], -1, -1, -1),
                };
                for (int row = 0; row < series.RowCount; row++)
                {
                    long at = c.Long(row, time) ?? 0;
                    switch (statement.StatementId)
                    {
                        case 0:
                            readings.Add(new HistoryReading(tag, at, c.UInt(row, boot), c.UInt(row, seq), c.Double(row, a), c.Double(row, b),
                                c.Double(row, d), c.Bool(row, e)));
                            break;
                        case 1:
                            shocks.Add(new HistoryShock(tag, at, c.UInt(row, boot), c.UInt(row, seq), c.Double(row, a)));
                            break;
                        case 2:
                            statuses.Add(new HistoryStatus(tag, at, c.String(row, a), c.Long(row, b)));
                            break;
                        case 3:
                            if (c.Long(row, a) is { } thinned) before[tag] = thinned;
                            break;
                    }
                }
            }
        }
        return new ContainerHistory { Readings = readings, Shocks = shocks, Statuses = statuses, ThinnedBefore = before };
    }

    private async Task<InfluxQueryResult> RunAsync(string q, CancellationToken ct, bool chunked = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            return await client.QueryAsync(q, chunked: chunked, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (InfluxQueryException ex)
        {
            throw new HistoryUnavailableException($"InfluxDB refused the query: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new HistoryUnavailableException($"InfluxDB unreachable: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HistoryUnavailableException($"InfluxDB did not answer within {QueryTimeout.TotalSeconds} s", ex);
        }
    }

    /// <summary>An integer field of the first row (an integral float too); null when absent or not a number.</summary>
    private static long? Integer(InfluxSeries s, int column) => s.Long(0, column);
}
