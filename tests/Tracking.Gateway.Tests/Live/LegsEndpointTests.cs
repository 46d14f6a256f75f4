using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.Tests.EndToEnd;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.Live;

/// <summary>
/// <c>GET /api/v1/containers/{container}/legs</c> through the real gateway: readings published to mosquitto, written to
/// influxd by the gateway, and the air leg found in them by the rules' detector, the same as the trip report's for the
/// same range; 4xx for bad input, 503 with influxd down.
/// </summary>
public sealed class LegsEndpointTests : RealServersTest
{
    private const string Box = "CSQU3054383";
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    private static readonly long T0 = Start.ToUnixTimeMilliseconds();

    /// <summary>
    /// Tag-a: one reading per 5 minutes over 6 h at 1013 hPa, 790 hPa (a flight) from minute 60 to 240, with one noisy
    /// ground-level reading at minute 150 (the median filter keeps the leg whole). Tag-b: ground level throughout.
    /// </summary>
    private static double Hpa(string tag, int i) => tag == "tag-a" && i is >= 12 and < 48 && i != 30 ? 790 : 1013;

    private static byte[] Batch(string tag, int first, int count)
    {
        string readings = string.Join(",", Enumerable.Range(first, count).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{(i - first) * 300_000},5,50,{Hpa(tag, i)},0.1]")));
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"boot\":1,\"seq\":{first},\"t0\":{T0 + (first * 300_000L)},\"bat\":3.9,\"r\":[{readings}]}}"));
    }

    [Fact]
    public async Task The_air_leg_in_influxd_is_found_by_the_rules_detector_as_the_trip_report_finds_it()
    {
        var (app, _) = await StartInProcessAsync([.. GatewayArgs("gw-legs"), "--Rules:DefaultProfile=pharma_2_8"]);
        try
        {
            await using (MqttClient pub = await PublisherAsync())
            {
                foreach (string tag in new[] { "tag-a", "tag-b" })
                {
                    for (int first = 0; first < 72; first += 12)
                    {
                        await pub.PublishAsync($"tracking/v1/fleet1/{Box}/{tag}/telemetry", Batch(tag, first, 12), MqttQos.AtLeastOnce);
                    }
                }
            }
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            const string Range = "from=2026-11-30T06:00:00Z&to=2026-11-30T12:00:00Z";

            // Until influxd has every reading (the report counts them), then the legs of the same range.
            var end = DateTime.UtcNow.AddSeconds(60);
            JsonElement report;
            while (true)
            {
                HttpResponseMessage response = await http.GetAsync($"/api/v1/containers/{Box}/report?fleet=fleet1&{Range}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    if (report.GetProperty("readings").GetInt32() == 144) break;
                }
                Assert.True(DateTime.UtcNow < end, $"report: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                await Task.Delay(200);
            }

            // No fleet named: the live view's (the container is known in one).
            HttpResponseMessage legsResponse = await http.GetAsync($"/api/v1/containers/{Box}/legs?{Range}");
            Assert.Equal(HttpStatusCode.OK, legsResponse.StatusCode);
            JsonElement body = JsonDocument.Parse(await legsResponse.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(("fleet1", Box), (body.GetProperty("fleet").GetString(), body.GetProperty("container").GetString()));
            JsonElement leg = Assert.Single(body.GetProperty("legs").EnumerateArray());
            Assert.Equal(("tag-a", "air", Start.AddMinutes(60), Start.AddMinutes(235), 790.0),
                (leg.GetProperty("tag").GetString(), leg.GetProperty("kind").GetString(), leg.GetProperty("start").GetDateTimeOffset(),
                 leg.GetProperty("end").GetDateTimeOffset(), leg.GetProperty("min_hpa").GetDouble()));
            // One rule: exactly the report's legs.
            Assert.Equal(report.GetProperty("legs").GetRawText(), body.GetProperty("legs").GetRawText());

            // A range without the flight: none.
            JsonElement before = JsonDocument.Parse(await http.GetStringAsync(
                $"/api/v1/containers/{Box}/legs?fleet=fleet1&from=2026-11-30T06:00:00Z&to=2026-11-30T07:00:00Z")).RootElement;
            Assert.Empty(before.GetProperty("legs").EnumerateArray());

            // Bad input: clear 4xx problem details.
            HttpResponseMessage backwards = await http.GetAsync($"/api/v1/containers/{Box}/legs?fleet=fleet1&from=2026-11-30T12:00:00Z&to=2026-11-30T06:00:00Z");
            Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
            Assert.Contains("must be before", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            HttpResponseMessage tooLong = await http.GetAsync($"/api/v1/containers/{Box}/legs?fleet=fleet1&from=2026-01-01T00:00:00Z&to=2026-11-30T06:00:00Z");
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            HttpResponseMessage unknown = await http.GetAsync($"/api/v1/containers/MSCU1234565/legs?{Range}");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

            await Influxd.StopAsync();
            HttpResponseMessage down = await http.GetAsync($"/api/v1/containers/{Box}/legs?fleet=fleet1&{Range}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
