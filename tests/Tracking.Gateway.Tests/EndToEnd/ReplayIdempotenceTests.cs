using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>Issue 9 items 6 and 7 against real mosquitto and influxd: retained statuses and forgotten a0 redeliveries.</summary>
public sealed class ReplayIdempotenceTests : RealServersTest
{
    private const string Prefix = "tracking/v1/fleet1/CSQU3054383/";

    private Task<(WebApplication App, GatewayService Service)> StartAsync(params string[] extra) =>
        StartInProcessAsync([.. GatewayArgs("gw-replay"), .. extra]);

    private async Task<long> CountAsync(string query)
    {
        using var doc = JsonDocument.Parse(await Influxd.QueryAsync(query, Db));
        var result = doc.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), what);
            await Task.Delay(100);
        }
    }

    private static readonly byte[] Status =
        """{"v":1,"online":true,"fw":"1.0.0","boot":1,"bat":3.9,"rssi":null,"spool":0,"thinned":0,"life_d":-1}"""u8.ToArray();

    [Fact]
    public async Task A_retained_status_is_not_stored_on_subscribe_nor_on_resubscribe_but_a_live_one_is()
    {
        await using (MqttClient pub = await PublisherAsync())
        {
            await pub.PublishAsync(Prefix + "tag-r/status", Status, MqttQos.AtLeastOnce, retain: true);
        }

        for (int start = 0; start < 2; start++)
        {
            var (app, service) = await StartAsync();
            // Clean start on the first run, session resumed (and subscription renewed) on the second: both deliver the retained copy.
            await WaitForAsync(() => service.Metrics.Ignored >= 1, "the retained status was not delivered");
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Assert.Equal(0, await CountAsync("SELECT count(online) FROM tag_status"));

        var (app2, service2) = await StartAsync();
        await using (MqttClient pub = await PublisherAsync())
        {
            await pub.PublishAsync(Prefix + "tag-r/status", Status, MqttQos.AtLeastOnce, retain: true);
        }

        await WaitForAsync(() => service2.Metrics.LinesWritten >= 1, "the live status was not written");
        await app2.StopAsync();
        await app2.DisposeAsync();
        Assert.Equal(1, await CountAsync("SELECT count(online) FROM tag_status"));
    }

    [Fact]
    public async Task An_a0_batch_redelivered_after_the_window_and_after_an_eviction_flood_is_stored_once()
    {
        // A small filter so that the eviction flood is quick; the mechanism is the one 100,000 fake ids trigger.
        var (app, service) = await StartAsync("--Ingest:DedupeMaxTags=8");
        byte[] a0Batch = Encoding.UTF8.GetBytes("""{"v":1,"boot":2,"seq":0,"a0":60000,"bat":3.9,"r":[[0,4.5,50,1000,0.1],[1000,4.6,50,1000,0.1],[2000,4.7,50,1000,0.1]]}""");
        string topic = Prefix + "tag-x/telemetry";
        await using (MqttClient pub = await PublisherAsync())
        {
            await pub.PublishAsync(topic, a0Batch);
            // More than the tag's 256-message window of other messages, then the same batch again.
            for (int seq = 0; seq < 300; seq++)
            {
                await pub.PublishAsync(topic, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"v":1,"boot":3,"seq":{{seq}},"t0":{{1_732_600_000_000L + seq * 1000L}},"bat":3.9,"r":[[0,5,50,1000,0.1]]}""")));
            }

            await Task.Delay(50); // distinct arrival times: the old a0 time derivation would place the copy elsewhere
            await pub.PublishAsync(topic, a0Batch);
            // Fake tag ids evict tag-x from the filter, then the same batch a third time.
            for (int fake = 0; fake < 40; fake++)
            {
                await pub.PublishAsync(Prefix + $"fake{fake}/telemetry", Encoding.UTF8.GetBytes(
                    """{"v":1,"boot":1,"seq":0,"t0":1732600000000,"bat":3.9,"r":[[0,5,50,1000,0.1]]}"""));
            }

            await Task.Delay(50);
            await pub.PublishAsync(topic, a0Batch);
        }

        await WaitForAsync(() => service.Metrics.Spooled + service.Metrics.Duplicates >= 343, "not every message was taken");
        await WaitForAsync(() => service.Spool!.PendingRecords == 0, "the spool was not written out");
        await app.StopAsync();
        await app.DisposeAsync();
        Assert.True(service.Metrics.Spooled >= 342, "the forgotten copies reached the spool, as the test intends");
        const string a0Range = "FROM env WHERE \"tag\"='tag-x' AND time >= '1677-09-22T00:00:00Z' AND time < '1970-01-01T00:00:00Z'";
        Assert.Equal(3, await CountAsync("SELECT count(temp_c) " + a0Range));
        Assert.Equal(300, await CountAsync("SELECT count(temp_c) FROM env WHERE \"tag\"='tag-x' AND time >= '1970-01-01T00:00:00Z'"));
    }
}
