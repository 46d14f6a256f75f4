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

        using (var sse = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/api/v1/stream"))
        using (HttpResponseMessage stream = await http.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead))
        using (var reader = new StreamReader(await stream.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(": connected", await reader.ReadLineAsync());
            await using (MqttClient pub = await PublisherAsync())
            {
                await pub.PublishAsync(Base + "telemetry", Telemetry(30, 1, -1.0), MqttQos.AtLeastOnce);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? line;
            do line = await reader.ReadLineAsync(timeout.Token);
            while (line is not null && !line.StartsWith("event: readings", StringComparison.Ordinal));
            Assert.NotNull(line);
            string data = (await reader.ReadLineAsync(timeout.Token))!;
            Assert.StartsWith("data: ", data);
            Assert.Contains(-1.0, StreamReadings.Decode(data["data: ".Length..]).Select(r => r.TempC));
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
