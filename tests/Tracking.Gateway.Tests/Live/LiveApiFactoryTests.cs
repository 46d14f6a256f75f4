using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Tests.EndToEnd;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.Live;

/// <summary>
/// The gateway's own entry point (Program) hosted by WebApplicationFactory on a TestServer, with real mosquitto and
/// influxd behind it and a token file with a fleet-limited token: published data of two fleets reaches the fleet list,
/// each token sees what it may, and the stream resumes after Last-Event-ID.
/// </summary>
public sealed class LiveApiFactoryTests : RealServersTest
{
    private const string Full = "full-token-0123456789", North = "north-token-0123456789";

    private static byte[] Telemetry(long t0, double temp) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{{\"v\":1,\"boot\":1,\"seq\":1,\"t0\":{t0},\"bat\":3.9,\"r\":[[0,{temp},50,1013,0.1]]}}"));

    [Fact]
    public async Task The_gateway_serves_each_token_its_fleets_from_published_data()
    {
        string tokens = Path.Combine(SpoolDir + "-tokens");
        await File.WriteAllTextAsync(tokens, $"{Full}\n{North} north\n");
        string[] args = GatewayArgs("gw-factory");
        var settings = new Dictionary<string, string?>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=')) continue;
            string? key = Gateway.CommandLine.Flags.Where(f => f.Flag == args[i]).Select(f => f.Key).FirstOrDefault();
            if (key is not null) settings[key] = args[i + 1];
        }
        settings["Influx:Version"] = "1";
        settings["Api:TokenFile"] = tokens;
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings)));
        using HttpClient http = factory.CreateClient();
        // Subscribed before anything is published (a clean broker keeps nothing for a session that does not exist yet).
        await factory.Services.GetRequiredService<GatewayService>().Started.WaitAsync(TimeSpan.FromSeconds(30));
        long t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        await using (MqttClient pub = await PublisherAsync())
        {
            await pub.PublishAsync("tracking/v1/north/CSQU3054383/tag-n/telemetry", Telemetry(t0, 4.5), MqttQos.AtLeastOnce);
            await pub.PublishAsync("tracking/v1/south/MSKU1234565/tag-s/telemetry", Telemetry(t0, 6.5), MqttQos.AtLeastOnce);
        }

        async Task<JsonElement> ListAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/containers?sort=fleet");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }

        DateTime end = DateTime.UtcNow.AddSeconds(30);
        while ((await ListAsync(Full)).GetProperty("total").GetInt32() < 2)
        {
            Assert.True(DateTime.UtcNow < end, "both containers in the list");
            await Task.Delay(100);
        }
        Assert.Equal(["north", "south"], (await ListAsync(Full)).GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("fleet").GetString()));
        JsonElement north = Assert.Single((await ListAsync(North)).GetProperty("containers").EnumerateArray());
        Assert.Equal(("CSQU3054383", 4.5), (north.GetProperty("container").GetString(), north.GetProperty("reading").GetProperty("temp_c").GetDouble()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/containers")).StatusCode);
        await factory.DisposeAsync();
        File.Delete(tokens);
    }
}
