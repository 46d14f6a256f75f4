using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Store;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The trip report through the real gateway: readings published to mosquitto, written to influxd by the gateway, the
/// rules raising their alert from the spool, and the report read over HTTP agreeing with both. Then influxd down: 503.
/// </summary>
public sealed class ReportEndToEndTests : RealServersTest
{
    private const string Topic = "tracking/v1/fleet1/CSQU3054383/tag-r/telemetry";
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private static readonly long T0 = Start.ToUnixTimeMilliseconds();

    /// <summary>One reading per 5 minutes: 5 C, 9 C (above pharma's 8 C) from minute 60 to 120, then 5 C; 790 hPa (a flight) from minute 150 to 270.</summary>
    private static (double Temp, double Hpa) At(int i) => (i is >= 12 and < 24 ? 9.0 : 5.0, i is >= 30 and < 54 ? 790 : 1013);

    private static byte[] Batch(int first, int count)
    {
        string readings = string.Join(",", Enumerable.Range(first, count).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{(i - first) * 300_000},{At(i).Temp},50,{At(i).Hpa},0.1]")));
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"boot\":1,\"seq\":{first},\"t0\":{T0 + (first * 300_000L)},\"bat\":3.9,\"r\":[{readings}]}}"));
    }

    [Fact]
    public async Task The_report_over_http_is_computed_from_what_the_gateway_wrote_to_influxd()
    {
        var (app, _) = await StartInProcessAsync([.. GatewayArgs("gw-report"), "--Rules:DefaultProfile=pharma_2_8"]);
        try
        {
            await using (MqttClient pub = await PublisherAsync())
            {
                // 6 h: readings 0-71; seq 48-53 never sent (30 min lost).
                for (int first = 0; first < 72; first += 6)
                {
                    if (first != 48) await pub.PublishAsync(Topic, Batch(first, 6), MqttQos.AtLeastOnce);
                }
            }
            IRuleStore store = app.Services.GetRequiredService<IRuleStore>();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            string url = $"/api/v1/containers/CSQU3054383/report?fleet=fleet1&from=2026-11-30T06:00:00Z&to=2026-11-30T12:00:00Z";

            // Wait until influxd has every reading and the rules have resolved their alert.
            JsonElement report = default;
            var end = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                HttpResponseMessage response = await http.GetAsync(url);
                IReadOnlyList<Alert> alerts = await store.ListAlertsAsync(new AlertQuery(Container: "CSQU3054383"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    if (report.GetProperty("readings").GetInt32() == 66 && alerts.Any(a => a.State == AlertState.Resolved)
                        && report.GetProperty("alerts").GetArrayLength() == 1)
                    {
                        break;
                    }
                }
                Assert.True(DateTime.UtcNow < end, $"report: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(200);
            }

            Assert.Equal(("pharma_2_8", 5.0, 9.0), (report.GetProperty("profile").GetString(), report.GetProperty("min_c").GetDouble(), report.GetProperty("max_c").GetDouble()));
            JsonElement excursion = Assert.Single(report.GetProperty("excursions").EnumerateArray());
            Assert.Equal(("temp_c_upper_8", Start.AddMinutes(60), Start.AddMinutes(120), 3600.0),
                (excursion.GetProperty("band").GetString(), excursion.GetProperty("start").GetDateTimeOffset(),
                 excursion.GetProperty("end").GetDateTimeOffset(), excursion.GetProperty("duration_s").GetDouble()));
            Assert.Equal(3600, report.GetProperty("time_outside_s").GetProperty("temp_c_upper_8").GetDouble());
            // The alert the rules raised from the spool starts where the report's excursion starts.
            JsonElement alert = Assert.Single(report.GetProperty("alerts").EnumerateArray());
            Assert.Equal(("temp_high", Start.AddMinutes(60)), (alert.GetProperty("kind").GetString(), alert.GetProperty("since").GetDateTimeOffset()));
            JsonElement gap = Assert.Single(report.GetProperty("gaps").EnumerateArray());
            Assert.Equal((6, Start.AddMinutes(235), Start.AddMinutes(270)),
                (gap.GetProperty("missing").GetInt32(), gap.GetProperty("start").GetDateTimeOffset(), gap.GetProperty("end").GetDateTimeOffset()));
            JsonElement leg = Assert.Single(report.GetProperty("legs").EnumerateArray());
            Assert.Equal((Start.AddMinutes(150), Start.AddMinutes(235)), (leg.GetProperty("start").GetDateTimeOffset(), leg.GetProperty("end").GetDateTimeOffset()));

            string csv = await http.GetStringAsync(url + "&format=csv");
            Assert.Contains("excursion,tag-r,temp_c_upper_8,2026-11-30T07:00:00.000Z,2026-11-30T08:00:00.000Z,9,3600,", csv, StringComparison.Ordinal);

            await Influxd.StopAsync();
            HttpResponseMessage down = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Contains("InfluxDB unreachable", await down.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
