using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.History;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Live;

/// <summary>The live API's history against a real influxd 1.6: downsampling keeps peaks and gaps, ids are escaped, the refill finds the newest.</summary>
public sealed class InfluxReadingHistoryTests : IAsyncLifetime
{
    private const string Db = "tracking";
    /// <summary>A whole hour three hours ago: inside the refill's lookback, and 5-minute buckets start on it.</summary>
    private static readonly DateTimeOffset T0 = Hour(DateTimeOffset.UtcNow.AddHours(-3));

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    private InfluxdServer _influxd = null!;
    private Influx.Query.InfluxQueryClient _client = null!;
    private InfluxReadingHistory _history = null!;

    public async Task InitializeAsync()
    {
        _influxd = await InfluxdServer.StartAsync();
        await _influxd.CreateDatabaseAsync(Db);
        _client = new Influx.Query.InfluxQueryClient(new InfluxOptions { Url = _influxd.Url, Database = Db });
        _history = new InfluxReadingHistory(_client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _influxd.DisposeAsync();
    }

    private async Task WriteAsync(IEnumerable<string> lines)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.PostAsync(new Uri(_influxd.Url, $"write?db={Db}&precision=ms"),
            new StringContent(string.Join("\n", lines), Encoding.UTF8));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Env(string fleet, string box, string tag, DateTimeOffset t, double temp, int seq) => string.Create(CultureInfo.InvariantCulture,
        $"env,fleet={fleet},container={box},tag={tag} temp_c={temp},rh_pct=50,pressure_hpa=1013,peak_g=0.1,boot=1i,seq={seq}i {t.ToUnixTimeMilliseconds()}");

    /// <summary>Two tags, a reading a minute each for an hour, a 12.5 C spike at minute 17 and nothing from minute 30 to 44.</summary>
    private static IEnumerable<string> Trip(string fleet, string box) =>
        Enumerable.Range(0, 60).Where(m => m is < 30 or >= 45).SelectMany(m => new[]
        {
            Env(fleet, box, "tag-a", T0.AddMinutes(m), m == 17 ? 12.5 : 5.0, m),
            Env(fleet, box, "tag-b", T0.AddMinutes(m).AddSeconds(30), 4.0, m),
        });

    [Fact]
    public async Task Buckets_keep_the_peak_and_a_gap_stays_a_gap()
    {
        await WriteAsync(Trip("acme", "CSQU3054383"));
        await WriteAsync(Trip("other", "CSQU3054383")); // same container number in another fleet: not mixed in

        IReadOnlyList<ReadingBucket> buckets = await _history.DownsampleAsync(new ContainerKey("acme", "CSQU3054383"), T0, T0.AddHours(1),
            TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.Equal([0, 5, 10, 15, 20, 25, 45, 50, 55], buckets.Select(b => (int)(b.Start - T0).TotalMinutes));
        ReadingBucket spike = buckets[3];
        Assert.Equal((10L, 4.0, 12.5), (spike.Count, spike.TempMin, spike.TempMax));
        Assert.Equal((5 * 5.0 + 12.5 - 5.0 + 5 * 4.0) / 10, spike.TempMean, 9);
        Assert.Equal((50.0, 1013.0, 0.1), (buckets[0].RhMean, buckets[0].PressureMax, buckets[0].PeakGMax));
    }

    [Fact]
    public async Task Ids_with_quotes_and_backslashes_are_literals_not_InfluxQL()
    {
        // Line protocol takes ' and \ in tag values as they are; InfluxQL needs them escaped to find them.
        await WriteAsync([Env("o'brien", @"x\y", "t", T0, 7.0, 1), Env("acme", "CSQU3054383", "t", T0, 5.0, 1)]);

        IReadOnlyList<ReadingBucket> odd = await _history.DownsampleAsync(new ContainerKey("o'brien", @"x\y"), T0, T0.AddMinutes(1),
            TimeSpan.FromMinutes(1), CancellationToken.None);
        IReadOnlyList<ReadingBucket> injected = await _history.DownsampleAsync(new ContainerKey("x' OR fleet = 'acme", "CSQU3054383"), T0,
            T0.AddMinutes(1), TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(7.0, Assert.Single(odd).TempMax);
        Assert.Empty(injected);
    }

    [Fact]
    public async Task The_refill_finds_each_tags_newest_reading_and_status_fields_past_a_will()
    {
        await WriteAsync(Trip("acme", "CSQU3054383"));
        long t = T0.AddMinutes(70).ToUnixTimeMilliseconds();
        await WriteAsync([
            $"tag_status,fleet=acme,container=CSQU3054383,tag=tag-a online=true,fw=\"1.2.0\",boot=1i,bat=3.71,rssi=-60i,spool=3i,report_s=600i {t}",
            $"tag_status,fleet=acme,container=CSQU3054383,tag=tag-a online=false {t + 1000}",
        ]);

        LatestSnapshot latest = await _history.LatestAsync(TimeSpan.FromDays(1), CancellationToken.None);

        var a = latest.Readings.Single(r => r.Tag == "tag-a");
        Assert.Equal((T0.AddMinutes(59).ToUnixTimeMilliseconds(), 5.0), (a.Reading.TimeMs, a.Reading.TemperatureC));
        Assert.Equal(2, latest.Readings.Count);
        var s = Assert.Single(latest.Statuses);
        Assert.Equal((t + 1000, false, 3.71, -60L, 3L, "1.2.0", 600L), (s.Status.ArrivalMs, s.Status.Online, s.Status.BatteryV, s.Status.Rssi,
            s.Status.SpoolDepth, s.Status.Firmware, s.Status.ReportS));
    }

    [Fact]
    public async Task A_stopped_influxd_is_unavailable_not_an_empty_history()
    {
        await _influxd.StopAsync();

        await Assert.ThrowsAsync<HistoryUnavailableException>(() => _history.DownsampleAsync(new ContainerKey("acme", "CSQU3054383"), T0,
            T0.AddHours(1), TimeSpan.FromMinutes(5), CancellationToken.None));
        await Assert.ThrowsAsync<HistoryUnavailableException>(() => _history.LatestAsync(TimeSpan.FromDays(1), CancellationToken.None));
    }
}
