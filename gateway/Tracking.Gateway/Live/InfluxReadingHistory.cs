using System.Globalization;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Ingest.Schema;
using Tracking.Gateway.Rules;
using Tracking.Influx;
using Tracking.Influx.Query;

namespace Tracking.Gateway.Live;

/// <summary>
/// <see cref="IReadingHistory"/> over InfluxDB's <c>/query</c> (InfluxQL; docs/protocol.md section 10 for the schema):
/// downsampling is done by the database (GROUP BY time with min/max/mean, fill(none): an empty bucket is no row, so a
/// gap stays a gap), so a 30-day chart moves at most max_points rows.
/// </summary>
public sealed class InfluxReadingHistory(IOptions<InfluxOptions> options, ILogger<InfluxQueryClient> logger) : IReadingHistory, IDisposable
{
    /// <summary>An API caller waits at most this long for the database before getting 503.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(10);

    private readonly InfluxQueryClient _client = new(options.Value, logger: logger);

    public async Task<IReadOnlyList<ReadingBucket>> DownsampleAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket,
        CancellationToken ct)
    {
        string q = DownsampleQuery(container, from, to, bucket);
        InfluxQueryResult result = await RunAsync(q, ct);
        List<ReadingBucket> buckets = [];
        foreach (InfluxSeries s in result.Series)
        {
            int[] c = [.. new[] { "time", "n", "t_min", "t_max", "t_mean", "rh_min", "rh_max", "rh_mean", "p_min", "p_max", "p_mean", "g_max" }
                .Select(s.ColumnIndex)];
            foreach (object?[] row in s.Values)
            {
                buckets.Add(new ReadingBucket(DateTimeOffset.FromUnixTimeMilliseconds(Long(row, c[0])), Long(row, c[1]), Num(row, c[2]),
                    Num(row, c[3]), Num(row, c[4]), Num(row, c[5]), Num(row, c[6]), Num(row, c[7]), Num(row, c[8]), Num(row, c[9]),
                    Num(row, c[10]), Num(row, c[11])));
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
        InfluxQueryResult result = await RunAsync(q, ct, chunked: true);
        List<(ContainerKey, string, LiveReading)> readings = [];
        Dictionary<(ContainerKey, string), object?[]> fields = [];
        Dictionary<(ContainerKey, string), (long Time, bool Online)> online = [];
        foreach (InfluxStatementResult statement in result.Statements)
        {
            foreach (InfluxSeries s in statement.Series)
            {
                if (!s.Tags.TryGetValue("fleet", out string? fleet) || !s.Tags.TryGetValue("container", out string? box)
                    || !s.Tags.TryGetValue("tag", out string? tag) || s.Values.Count == 0)
                {
                    continue;
                }
                var id = (new ContainerKey(fleet, box), tag);
                object?[] row = s.Values[0];
                switch (statement.StatementId)
                {
                    case 0:
                        readings.Add((id.Item1, tag, new LiveReading(Long(row, s.ColumnIndex("time")), Num(row, s.ColumnIndex("temp_c")),
                            Num(row, s.ColumnIndex("rh_pct")), Num(row, s.ColumnIndex("pressure_hpa")), Num(row, s.ColumnIndex("peak_g")))));
                        break;
                    case 1:
                        fields[id] = [Cell(row, s.ColumnIndex("fw")), Cell(row, s.ColumnIndex("bat")), Cell(row, s.ColumnIndex("rssi")),
                            Cell(row, s.ColumnIndex("spool")), Cell(row, s.ColumnIndex("report_s"))];
                        break;
                    case 2:
                        online[id] = (Long(row, s.ColumnIndex("time")), Cell(row, s.ColumnIndex("online")) is true);
                        break;
                }
            }
        }
        List<(ContainerKey, string, LiveTagStatus)> statuses = [];
        foreach (((ContainerKey box, string tag) id, (long time, bool isOnline)) in online)
        {
            object?[] f = fields.GetValueOrDefault(id) ?? new object?[5];
            statuses.Add((id.box, id.tag, new LiveTagStatus(time, isOnline, f[1] is null ? double.NaN : Convert.ToDouble(f[1], CultureInfo.InvariantCulture),
                f[2] is null ? null : Convert.ToInt64(f[2], CultureInfo.InvariantCulture), f[3] is null ? null : Convert.ToInt64(f[3], CultureInfo.InvariantCulture),
                f[0] as string, f[4] is null ? null : Convert.ToInt64(f[4], CultureInfo.InvariantCulture))));
        }
        return new LatestSnapshot(readings, statuses);
    }

    private async Task<InfluxQueryResult> RunAsync(string q, CancellationToken ct, bool chunked = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            return await _client.QueryAsync(q, chunked: chunked, cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or InfluxQueryException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new ReadingHistoryUnavailableException(ex is OperationCanceledException ? $"no answer within {QueryTimeout.TotalSeconds} s" : ex.Message, ex);
        }
    }

    private static object? Cell(object?[] row, int i) => i < 0 || i >= row.Length ? null : row[i];

    private static long Long(object?[] row, int i) => Cell(row, i) is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;

    private static double Num(object?[] row, int i) => Cell(row, i) is { } v and not bool and not string ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : double.NaN;

    public void Dispose() => _client.Dispose();
}
