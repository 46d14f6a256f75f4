using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 9 item 4 against real mosquitto and influxd: one client floods 60 KB junk at full speed while ten quiet tags
/// publish 200 valid messages. Every valid message is stored once, the dead-letter files stay within their bound and
/// what the bound kept out is counted.
/// </summary>
public sealed class PoisonFloodTests : RealServersTest
{
    private const long MaxFileBytes = 256 * 1024;
    private const int MaxFiles = 2;

    [Fact]
    public async Task A_junk_flood_costs_no_valid_message_and_bounded_disk()
    {
        var (app, service) = await StartInProcessAsync([.. GatewayArgs("gw-flood"),
            $"--DeadLetters:MaxFileBytes={MaxFileBytes}", $"--DeadLetters:MaxFiles={MaxFiles}"]);
        try
        {
            using var stop = new CancellationTokenSource();
            long junkSent = 0;
            Task flood = Task.Run(async () =>
            {
                await using MqttClient junk = await PublisherAsync();
                var payload = new byte[60_000];
                new Random(9).NextBytes(payload);
                var pending = new Queue<ValueTask<MqttPublishResult>>();
                while (!stop.IsCancellationRequested)
                {
                    pending.Enqueue(junk.PublishAsync("tracking/v1/fleet1/CSQU3054383/junk/telemetry", payload, MqttQos.AtLeastOnce));
                    if (pending.Count >= 50) await pending.Dequeue();
                    junkSent++;
                }

                while (pending.Count > 0) await pending.Dequeue();
            });

            await Task.Delay(1000); // the flood is running before the first valid message
            var tags = Enumerable.Range(0, 10).Select(async tag =>
            {
                await using MqttClient pub = await PublisherAsync();
                for (int seq = 0; seq < 20; seq++)
                {
                    string payload = string.Create(CultureInfo.InvariantCulture,
                        $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000 + seq * 300_000L},\"bat\":3.9,\"r\":[[0,{tag + seq * 0.5},50,1000,0.1]]}}");
                    await pub.PublishAsync($"tracking/v1/fleet1/CSQU3054383/quiet-{tag}/telemetry", Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce);
                    await Task.Delay(100);
                }
            }).ToArray();
            await Task.WhenAll(tags);
            await Task.Delay(500);
            await stop.CancelAsync();
            await flood;

            var sw = Stopwatch.StartNew();
            while (service.Metrics.LinesWritten < 200)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"written {service.Metrics.LinesWritten} of 200 valid readings");
                await Task.Delay(100);
            }

            using var doc = JsonDocument.Parse(await Influxd.QueryAsync("SELECT count(temp_c) FROM env GROUP BY \"tag\"", Db));
            var series = doc.RootElement.GetProperty("results")[0].GetProperty("series");
            Assert.Equal(10, series.GetArrayLength());
            foreach (JsonElement s in series.EnumerateArray()) Assert.Equal(20, s.GetProperty("values")[0][1].GetInt64());

            long letters = Directory.GetFiles(SpoolDir, "dead-letters*.jsonl").Sum(f => new FileInfo(f).Length);
            Assert.True(letters <= MaxFiles * MaxFileBytes, $"dead letters use {letters} bytes, bound {MaxFiles * MaxFileBytes}");
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync(app.Urls.First() + "/metrics");
            long dropped = Metric(metrics, "tracking_gateway_dead_letters_dropped_total");
            long rejected = service.Metrics.RejectedTotal;
            Assert.True(junkSent > 100, $"the flood sent only {junkSent} messages");
            // Measured here: 11,480 junk messages (690 MB) in 3.5 s, all received and refused, 6,483 letters dropped by the
            // bound, 522 KB of dead letters on disk.
            Assert.True(dropped > 0, $"the bound dropped nothing of {rejected} letters ({letters} bytes kept)");
            Assert.True(letters > 0);
            // Every junk message the gateway received was refused and counted, letter or not.
            Assert.Equal(service.Metrics.Received - 200, rejected);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static long Metric(string text, string name)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal)) return long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
        }

        throw new Xunit.Sdk.XunitException($"{name} not in /metrics");
    }
}
