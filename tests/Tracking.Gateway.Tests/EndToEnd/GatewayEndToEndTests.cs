using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// A real broker + influxd, the gateway in-process (or as a child process for SIGKILL). The same tests run against
/// mosquitto and against MQTTnet's in-process server (<see cref="GatewayEndToEndOnMosquittoTests"/>,
/// <see cref="GatewayEndToEndOnMqttNetTests"/>): two independent broker implementations.
/// </summary>
public abstract class GatewayEndToEndTests : RealServersTest
{
    private static readonly string[] Tags = ["tag-a", "tag-b", "tag-c"];
    private const long T0 = 1_732_600_000_000;

    private string[] Args(string clientId = "gw-test", string statsInterval = "00:00:10") =>
        ["--stats-interval", statsInterval, .. GatewayArgs(clientId)];

    private Task<(WebApplication App, GatewayService Service)> StartInProcessAsync(string statsInterval = "00:00:10") =>
        StartInProcessAsync(Args(statsInterval: statsInterval));

    /// <summary>Batches of 4 readings per tag; reading value encodes (tag, seq) so exact values can be checked.</summary>
    private static (string Topic, byte[] Payload) Batch(int tag, int seq)
    {
        var readings = string.Join(",", Enumerable.Range(0, 4).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"[{i * 1000},{Temp(tag, seq + i)},50.5,1000.25,0.5]")));
        string payload = string.Create(CultureInfo.InvariantCulture,
            $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{T0 + seq * 1000L},\"bat\":3.9,\"r\":[{readings}]}}");
        return ($"tracking/v1/fleet1/CSQU3054383/{Tags[tag]}/telemetry", Encoding.UTF8.GetBytes(payload));
    }

    private static double Temp(int tag, int seq) => Math.Round(-30 + tag * 10 + (seq % 1000) * 0.01, 2);

    private static async Task PublishAsync(MqttClient client, int fromBatch, int toBatch)
    {
        for (int b = fromBatch; b < toBatch; b++)
        {
            for (int tag = 0; tag < Tags.Length; tag++)
            {
                var (topic, payload) = Batch(tag, b * 4);
                for (int attempt = 0; ; attempt++)
                {
                    try { await client.PublishAsync(topic, payload, MqttQos.AtLeastOnce); break; }
                    catch (Exception) when (attempt < 100) { await Task.Delay(200); }
                }
            }
        }
    }

    private async Task<long> CountAsync()
    {
        string json = await Influxd.QueryAsync("SELECT count(temp_c) FROM env", Db);
        using var doc = JsonDocument.Parse(json);
        var result = doc.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series)) return 0;
        return series[0].GetProperty("values")[0][1].GetInt64();
    }

    private async Task WaitForCountAsync(long expected, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        long count = 0;
        while (sw.Elapsed < timeout)
        {
            count = await CountAsync();
            if (count >= expected) break;
            await Task.Delay(250);
        }

        Assert.Equal(expected, count);
    }

    private async Task AssertExactValuesAsync(int batches)
    {
        string json = await Influxd.QueryAsync("SELECT temp_c, rh_pct, pressure_hpa, peak_g, seq, boot FROM env GROUP BY \"tag\"", Db);
        using var doc = JsonDocument.Parse(json);
        var series = doc.RootElement.GetProperty("results")[0].GetProperty("series");
        Assert.Equal(Tags.Length, series.GetArrayLength());
        foreach (var s in series.EnumerateArray())
        {
            int tag = Array.IndexOf(Tags, s.GetProperty("tags").GetProperty("tag").GetString());
            var values = s.GetProperty("values");
            Assert.Equal(batches * 4, values.GetArrayLength());
            foreach (var row in values.EnumerateArray())
            {
                long seq = row[5].GetInt64();
                Assert.Equal(Temp(tag, (int)seq), row[1].GetDouble());
                Assert.Equal(50.5, row[2].GetDouble());
                Assert.Equal(1000.25, row[3].GetDouble());
                Assert.Equal(0.5, row[4].GetDouble());
                Assert.Equal(1, row[6].GetInt64());
            }
        }
    }

    private static readonly byte[] ProbeStatus =
        """{"v":1,"online":true,"fw":"1.0.0","boot":1,"bat":3.9,"rssi":null,"spool":0,"thinned":0,"life_d":-1}"""u8.ToArray();

    private static async Task WaitUntilReceivingAsync(GatewayService service, MqttClient pub)
    {
        var sw = Stopwatch.StartNew();
        long before = service.Metrics.Received;
        while (service.Metrics.Received == before)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "the gateway did not receive again after the broker restart");
            await pub.PublishAsync("tracking/v1/fleet1/CSQU3054383/probe/status", ProbeStatus, MqttQos.AtLeastOnce);
            await Task.Delay(200);
        }
    }

    /// <summary>Until the child gateway has subscribed, the broker has nobody to give messages to.</summary>
    private static async Task WaitUntilChildReceivingAsync(int httpPort, MqttClient pub)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "the child gateway did not start receiving");
            await pub.PublishAsync("tracking/v1/fleet1/CSQU3054383/probe/status", ProbeStatus, MqttQos.AtLeastOnce);
            if (await HttpPoll.TryGetAsync(http, new Uri($"http://127.0.0.1:{httpPort}/metrics")) is { IsSuccess: true } metrics
                && !metrics.Body.Contains("tracking_gateway_messages_received_total 0\n", StringComparison.Ordinal))
            {
                return;
            }
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Every_reading_arrives_once_with_exact_values_and_metrics_health_and_the_gateway_measurement_report_it()
    {
        var (app, service) = await StartInProcessAsync(statsInterval: "00:00:01");
        await using var pub = await PublisherAsync();
        await PublishAsync(pub, 0, 50);
        await WaitForCountAsync(50 * 4 * Tags.Length, TimeSpan.FromSeconds(60));
        await AssertExactValuesAsync(50);

        using var http = new HttpClient();
        string baseUrl = app.Urls.First();
        var health = await http.GetAsync(baseUrl + "/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        string metrics = await http.GetStringAsync(baseUrl + "/metrics");
        Assert.Contains("tracking_gateway_lines_written_total 600", metrics);
        Assert.Contains("tracking_gateway_messages_rejected_total{reason=\"bad_json\"} 0", metrics);

        // The gateway's own counters, written to InfluxDB by itself (protocol.md section 10).
        var sw = Stopwatch.StartNew();
        JsonElement row = default;
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            string json = await Influxd.QueryAsync(
                "SELECT last(received), last(accepted), last(rejected), last(duplicates), last(spooled), last(influx_points), last(influx_errors), last(spool_bytes) FROM gateway WHERE \"gateway\" = 'gw-test'", Db);
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.GetProperty("results")[0].TryGetProperty("series", out var series))
            {
                row = series[0].GetProperty("values")[0].Clone();
                if (row[6].GetInt64() == 600) break;
            }

            await Task.Delay(250);
        }

        Assert.Equal(JsonValueKind.Array, row.ValueKind);
        Assert.Equal(150, row[1].GetInt64());   // received: 50 batches x 3 tags
        Assert.Equal(150, row[2].GetInt64());   // accepted
        Assert.Equal(0, row[3].GetInt64());     // rejected
        Assert.Equal(0, row[4].GetInt64());     // duplicates
        Assert.Equal(150, row[5].GetInt64());   // spooled
        Assert.Equal(600, row[6].GetInt64());   // influx_points: 4 readings each
        Assert.Equal(0, row[7].GetInt64());     // influx_errors
        Assert.True(row[8].GetInt64() > 0);     // spool_bytes
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Influxd_down_in_the_middle_loses_nothing()
    {
        var (app, _) = await StartInProcessAsync();
        await using var pub = await PublisherAsync();
        await PublishAsync(pub, 0, 20);
        await WaitForCountAsync(20 * 12, TimeSpan.FromSeconds(60));
        await Influxd.StopAsync();
        await PublishAsync(pub, 20, 30);
        // The outage the issue names: 20 s, long enough for several backoff rounds while messages keep arriving.
        await Task.Delay(TimeSpan.FromSeconds(10));
        await PublishAsync(pub, 30, 40);
        await Task.Delay(TimeSpan.FromSeconds(10));
        await Influxd.StartAgainAsync();
        await PublishAsync(pub, 40, 50);
        await WaitForCountAsync(50 * 12, TimeSpan.FromSeconds(90));
        await AssertExactValuesAsync(50);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_spool_consumer_gets_every_message_while_influxd_is_down_and_the_writer_catches_up_after()
    {
        var consumer = new CollectingConsumer("rules");
        var (app, service) = await StartInProcessAsync(Args(), s => s.AddSingleton<ISpoolConsumer>(consumer));
        await using var pub = await PublisherAsync();
        await Influxd.StopAsync();
        await PublishAsync(pub, 0, 10);

        var sw = Stopwatch.StartNew();
        while (consumer.Count < 10 * Tags.Length)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"the consumer got {consumer.Count} of {10 * Tags.Length} messages");
            await Task.Delay(100);
        }

        Assert.Equal(10 * Tags.Length, service.Spool!.PendingRecordsOf(DiskSpool.WriterReader)); // InfluxDB took none
        foreach (TagMessage m in consumer.Messages)
        {
            int tag = Array.IndexOf(Tags, m.Tag);
            Assert.Equal(("fleet1", "CSQU3054383", 4), (m.Fleet, m.Container, m.Readings.Length));
            Assert.Equal(Temp(tag, (int)m.Seq + 3), m.Readings[3].TemperatureC);
        }

        await Influxd.StartAgainAsync();
        await WaitForCountAsync(10 * 12, TimeSpan.FromSeconds(90));
        await AssertExactValuesAsync(10);
        Assert.Equal(10 * Tags.Length, consumer.Count); // nothing handed over twice within one run
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Broker_restart_in_the_middle_loses_nothing()
    {
        var (app, service) = await StartInProcessAsync();
        var pub = await PublisherAsync();
        await PublishAsync(pub, 0, 20);
        await WaitForCountAsync(20 * 12, TimeSpan.FromSeconds(60));
        await pub.DisposeAsync();
        await Broker.StopAsync();
        await Broker.StartAgainAsync();
        pub = await PublisherAsync();
        // mosquitto 2.0.11 does not keep shared subscriptions across a restart (and MQTTnet keeps no session across
        // one): messages published before the gateway has reconnected and subscribed again have no subscriber.
        // Wait until it receives again.
        await WaitUntilReceivingAsync(service, pub);
        await PublishAsync(pub, 20, 50);
        await WaitForCountAsync(50 * 12, TimeSpan.FromSeconds(90));
        await AssertExactValuesAsync(50);
        await pub.DisposeAsync();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Gateway_killed_with_sigkill_and_restarted_loses_nothing()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Tracking.Gateway.dll");
        int httpPort = FreePort.Get();
        Process Start()
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(dll);
            foreach (string a in Args("gw-child")) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("--http-url");
            psi.ArgumentList.Add($"http://127.0.0.1:{httpPort}");
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return p;
        }

        var gw = Start();
        try
        {
            await using var pub = await PublisherAsync();
            await WaitUntilChildReceivingAsync(httpPort, pub);
            await PublishAsync(pub, 0, 10);
            await WaitForCountAsync(10 * 12, TimeSpan.FromSeconds(60));
            // Keep publishing while the gateway dies: some messages are spooled but unwritten, some unacknowledged.
            Task publishing = PublishAsync(pub, 10, 40);
            await Task.Delay(300);
            gw.Kill();
            await gw.WaitForExitAsync();
            await publishing;
            gw = Start();
            await WaitUntilChildReceivingAsync(httpPort, pub);
            await PublishAsync(pub, 40, 50);
            await WaitForCountAsync(50 * 12, TimeSpan.FromSeconds(90));
            await AssertExactValuesAsync(50);
        }
        finally
        {
            if (!gw.HasExited) gw.Kill();
            await gw.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Bad_input_is_dead_lettered_counted_and_acknowledged_without_blocking_good_input()
    {
        var (app, service) = await StartInProcessAsync();
        await using var pub = await PublisherAsync();
        var bad = new (string Topic, string Payload, string Reason)[]
        {
            ("tracking/v1/fleet1/CSQU3054384/tag-a/telemetry", "{}", "bad_container_id"),
            ("tracking/v1/fleet1/CSQU3054383/tag.a/telemetry", "{}", "bad_tag_id"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry", "{not json", "bad_json"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry", """{"v":1,"boot":"x","seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", "wrong_type"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry", """{"v":1,"boot":1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,99,1,1000,0]]}""", "out_of_range"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry", """{"v":1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""", "missing_field"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry", "{\"v\":1,\"x\":\"" + new string('y', 17000) + "\"}", "payload_too_large"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/telemetry", Tracking.Testing.Payloads.TelemetryPayloads.Batch(65), "too_many_readings"),
            ("tracking/v1/fleet1/CSQU3054383/tag-a/event", """{"v":1,"boot":1,"seq":1,"ts":1732600000000,"kind":"fire"}""", "unknown_event_kind"),
        };
        foreach (var (topic, payload, _) in bad) await pub.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce);
        await PublishAsync(pub, 0, 5);
        await WaitForCountAsync(5 * 12, TimeSpan.FromSeconds(60));

        var sw = Stopwatch.StartNew();
        while (service.Metrics.RejectedTotal < bad.Length && sw.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        foreach (var group in bad.GroupBy(b => b.Reason))
        {
            Assert.Equal(group.Count(), service.Metrics.Rejected(Enum.GetValues<Tracking.Gateway.Ingest.Decoding.RejectReason>()
                .Single(r => Tracking.Gateway.Ingest.Decoding.RejectReasons.Label(r) == group.Key)));
        }

        string[] lines = await File.ReadAllLinesAsync(service.DeadLetterPath!);
        Assert.Equal(bad.Length, lines.Length);
        for (int i = 0; i < bad.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(bad[i].Reason, doc.RootElement.GetProperty("reason").GetString());
            Assert.Equal(bad[i].Topic, doc.RootElement.GetProperty("topic").GetString());
            string kept = Encoding.UTF8.GetString(doc.RootElement.GetProperty("payload").GetBytesFromBase64());
            if (doc.RootElement.TryGetProperty("truncated", out var truncated))
            {
                // Past DeadLetters:MaxPayloadBytes (default: the protocol's largest payload) the letter keeps the start.
                Assert.True(truncated.GetBoolean());
                Assert.Equal(Encoding.UTF8.GetByteCount(bad[i].Payload), doc.RootElement.GetProperty("payload_bytes").GetInt32());
                Assert.Equal(Tracking.Gateway.Ingest.Decoding.MessageDecoder.MaxPayloadBytes, kept.Length);
                Assert.StartsWith(kept, bad[i].Payload, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(bad[i].Payload, kept);
            }
        }

        await app.StopAsync();
        await app.DisposeAsync();

        // Acknowledged: a new gateway session on the same client id gets none of them again.
        var (app2, service2) = await StartInProcessAsync();
        await Task.Delay(1000);
        Assert.Equal(0, service2.Metrics.RejectedTotal);
        await app2.StopAsync();
        await app2.DisposeAsync();
    }
}
