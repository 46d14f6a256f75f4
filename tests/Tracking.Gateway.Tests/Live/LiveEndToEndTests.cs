using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.Tests.EndToEnd;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Live;

/// <summary>
/// The live API in the real gateway, fed through mosquitto, the spool and influxd: telemetry and a status show in the
/// fleet list (from the "live" spool reader), the readings endpoint answers from InfluxDB, the stream carries a new
/// reading, and after a restart the list is refilled from InfluxDB before anything new arrives.
/// </summary>
public sealed class LiveEndToEndTests : RealServersTest
{
    private const string Box = "CSQU3054383", Base = "tracking/v1/fleet1/" + Box + "/tag-l/";
    private static readonly long T0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000) - (2 * 3_600_000); // whole hour: buckets start on it

    private static byte[] Telemetry(int first, int count, double temp) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"v\":1,\"boot\":1,\"seq\":{first},\"t0\":{T0 + (first * 60_000L)},\"bat\":3.9,\"r\":[{string.Join(",",
            Enumerable.Range(0, count).Select(i => $"[{i * 60_000},{temp + i},50,1013,0.1]"))}]}}"));

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : struct
    {
        DateTime end = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } value) return value;
            Assert.True(DateTime.UtcNow < end, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement?> ContainerAsync(HttpClient http, string baseUrl)
    {
        JsonElement page = JsonDocument.Parse(await http.GetStringAsync(baseUrl + "/api/v1/containers")).RootElement;
        return page.GetProperty("containers").EnumerateArray().Where(c => c.GetProperty("container").GetString() == Box)
            .Select(c => (JsonElement?)c).FirstOrDefault();
    }

    [Fact]
    public async Task Published_data_shows_in_the_list_the_history_and_the_stream_and_the_list_survives_a_restart()
    {
        var (app, _) = await StartInProcessAsync(GatewayArgs("gw-live"));
        using var http = new HttpClient();
        string baseUrl = app.Urls.First();
        await using (MqttClient pub = await PublisherAsync())
        {
            await pub.PublishAsync(Base + "telemetry", Telemetry(0, 30, 4.0), MqttQos.AtLeastOnce);
            await pub.PublishAsync(Base + "status", """{"v":1,"online":true,"fw":"1.4.2","boot":1,"bat":3.8,"rssi":-71,"spool":5,"thinned":0,"life_d":400,"report_s":900}"""u8.ToArray(),
                MqttQos.AtLeastOnce);
        }

        JsonElement c = await EventuallyAsync(async () => await ContainerAsync(http, baseUrl) is { } x && x.GetProperty("tags")[0].TryGetProperty("firmware", out JsonElement fw)
            && fw.ValueKind == JsonValueKind.String ? x : (JsonElement?)null, "the container with its status in the list");
        Assert.Equal(("fleet1", "ok", 33.0), (c.GetProperty("fleet").GetString(), c.GetProperty("state").GetString(),
            c.GetProperty("reading").GetProperty("temp_c").GetDouble()));
        JsonElement tag = c.GetProperty("tags")[0];
        Assert.Equal((3.8, -71L, 5L, "1.4.2", 900L), (tag.GetProperty("battery_v").GetDouble(), tag.GetProperty("rssi_dbm").GetInt64(),
            tag.GetProperty("spool_depth").GetInt64(), tag.GetProperty("firmware").GetString(), tag.GetProperty("report_s").GetInt64()));

        string range = string.Create(CultureInfo.InvariantCulture,
            $"from={DateTimeOffset.FromUnixTimeMilliseconds(T0):yyyy-MM-ddTHH:mm:ssZ}&to={DateTimeOffset.FromUnixTimeMilliseconds(T0 + 3_600_000):yyyy-MM-ddTHH:mm:ssZ}&max_points=6");
        JsonElement readings = await EventuallyAsync(async () =>
        {
            JsonElement body = JsonDocument.Parse(await http.GetStringAsync($"{baseUrl}/api/v1/containers/{Box}/readings?{range}")).RootElement;
            return body.GetProperty("points").GetArrayLength() == 3 ? body : (JsonElement?)null;
        }, "30 readings in InfluxDB as three 10-minute buckets (and none after minute 30: a gap)");
        Assert.Equal(600, readings.GetProperty("bucket_s").GetInt64());
        Assert.Equal([(4.0, 13.0), (14.0, 23.0), (24.0, 33.0)], readings.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("temp_c_min").GetDouble(), p.GetProperty("temp_c_max").GetDouble())));

        await using (SseClient sse = await SseClient.OpenAsync(http, baseUrl + "/api/v1/stream"))
        {
            var hello = await sse.NextAsync();
            Assert.Equal((":", "connected"), (hello?.Event, hello?.Data));
            await using (MqttClient pub = await PublisherAsync())
            {
                await pub.PublishAsync(Base + "telemetry", Telemetry(30, 1, -1.0), MqttQos.AtLeastOnce);
            }
            // The container's name came in the names event at connect (it had readings before): the readings event refers
            // to it by index, and the client's decoder resolves it.
            DateTime end = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var frame = await sse.NextEventAsync(30_000);
                Assert.NotNull(frame);
                if (frame.Value.Event != "readings") continue;
                if (sse.Readings(frame.Value).Any(r => r.TempC == -1.0)) break;
                Assert.True(DateTime.UtcNow < end, "the reading of -1.0 in the stream");
            }
            Assert.Equal([Box], sse.Decoder.Containers("fleet1"));
        }

        await app.StopAsync();
        await app.DisposeAsync();
        (app, _) = await StartInProcessAsync(GatewayArgs("gw-live"));
        baseUrl = app.Urls.First();
        // Nothing new published: the refill from InfluxDB fills the list, readings and statuses in turn (the container can
        // show before its tag's status is back: waited for, as the first sight is above).
        c = await EventuallyAsync(async () => await ContainerAsync(http, baseUrl) is { } x && x.GetProperty("tags")[0].TryGetProperty("firmware", out JsonElement fw)
            && fw.ValueKind == JsonValueKind.String ? x : (JsonElement?)null, "the container with its status in the list after a restart");
        Assert.Equal((-1.0, "1.4.2"), (c.GetProperty("reading").GetProperty("temp_c").GetDouble(), c.GetProperty("tags")[0].GetProperty("firmware").GetString()));
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
