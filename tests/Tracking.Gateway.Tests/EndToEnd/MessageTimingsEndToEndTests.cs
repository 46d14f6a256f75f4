using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The per-message histograms on /metrics against mosquitto and influxd: every message InfluxDB acknowledged counted
/// once, fresh readings among the first buckets of reading_to_written, readings a tag kept for two hours above an hour.
/// </summary>
public sealed class MessageTimingsEndToEndTests : RealServersTest
{
    [Fact]
    public async Task Every_written_message_is_counted_once_with_the_age_of_its_newest_reading()
    {
        var (app, _) = await StartInProcessAsync(["--stats-interval", "0", .. GatewayArgs("gw-timings")]);
        try
        {
            await using var pub = await PublisherAsync();
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (int seq = 0; seq < 40; seq++)
            {
                // 30 readings stamped now (as a tag publishing as it measures), 10 a tag kept for two hours.
                long t0 = seq < 30 ? now + seq : now - 7_200_000 + seq;
                string payload = string.Create(CultureInfo.InvariantCulture,
                    $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{t0},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1]]}}");
                await pub.PublishAsync("tracking/v1/fleet1/CSQU3054383/tag-t/telemetry", Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce);
            }

            using var http = new HttpClient();
            string url = app.Urls.First() + "/metrics";
            var sw = Stopwatch.StartNew();
            string metrics = "";
            while (sw.Elapsed < TimeSpan.FromSeconds(60))
            {
                metrics = await http.GetStringAsync(url);
                if (metrics.Contains("tracking_gateway_message_seconds_count{span=\"arrival_to_written\"} 40\n", StringComparison.Ordinal)) break;
                await Task.Delay(100);
            }

            Assert.Contains("tracking_gateway_lines_written_total 40\n", metrics);
            Assert.Contains("tracking_gateway_message_seconds_count{span=\"arrival_to_written\"} 40\n", metrics);
            Assert.Contains("tracking_gateway_message_seconds_count{span=\"reading_to_written\"} 40\n", metrics);
            // The two-hour-old readings are the only ones above an hour; the others were written within a minute.
            Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"reading_to_written\",le=\"60\"} 30\n", metrics);
            Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"reading_to_written\",le=\"3600\"} 30\n", metrics);
            Assert.Contains("tracking_gateway_message_seconds_bucket{span=\"arrival_to_written\",le=\"60\"} 40\n", metrics);

            // And they are queryable: what the histogram counts is what influxd holds.
            string json = await Influxd.QueryAsync("SELECT count(temp_c) FROM env WHERE \"tag\" = 'tag-t'", Db);
            using var doc = JsonDocument.Parse(json);
            Assert.Equal(40, doc.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][1].GetInt64());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
