using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// Two gateways in one shared group on real mosquitto 2.0 and influxd, one of them stopped while the tags keep sending:
/// mosquitto keeps queueing a share of the group's messages for the stopped member's persistent session (what this
/// class first checks), and that share is stored either when the member comes back (restart policy) or, with
/// Mqtt:Takeover, by the survivor that drains the member's session; the returning member then gets nothing twice.
/// </summary>
public sealed class GroupTakeoverTests : RealServersTest
{
    private const int Messages = 240;
    private const long T0 = 1_732_600_000_000;

    private readonly List<string> _spools = [];

    // $SYS every second, so the broker gauges show within the test; no cap on what is queued for an offline session.
    protected override MosquittoOptions? BrokerOptions => new() { ExtraConfig = ["sys_interval 1", "max_queued_messages 0"] };

    private string[] Args(string clientId, string spool, bool takeover) =>
    [
        "--mqtt-url", $"mqtt://127.0.0.1:{Broker.Port}", "--influx-url", Influxd.Url.ToString(), "--influx-db", Db,
        "--influx-version", "1", "--spool-dir", spool, "--http-url", "http://127.0.0.1:0", "--mqtt-client-id", clientId,
        "--Influx:Retry:MaxDelay=00:00:01", "--Rules:Store:Kind=memory", "--Mqtt:SharedGroup=takeover-test",
        $"--Mqtt:Takeover={takeover}", "--Mqtt:TakeoverAfter=00:00:01", "--Mqtt:TakeoverQuiet=00:00:00.500",
    ];

    private string NewSpool()
    {
        string spool = Path.Combine(Path.GetTempPath(), "tracking-tests", "gw-" + Guid.NewGuid().ToString("N"));
        _spools.Add(spool);
        return spool;
    }

    /// <summary>Eight tags, each message its own reading (distinct seq, time): every one is one row of env.</summary>
    private async Task PublishAsync()
    {
        await using MqttClient pub = await PublisherAsync();
        for (int i = 0; i < Messages; i++)
        {
            string topic = $"tracking/v1/fleet1/CSQU3054383/tag-{i % 8}/telemetry";
            string payload = string.Create(CultureInfo.InvariantCulture,
                $"{{\"v\":1,\"boot\":1,\"seq\":{i},\"t0\":{T0 + (i * 1000L)},\"bat\":3.9,\"r\":[[0,5.5,50.5,1000.25,0.5]]}}");
            await pub.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce);
        }
    }

    private async Task<long> CountAsync()
    {
        using var doc = JsonDocument.Parse(await Influxd.QueryAsync("SELECT count(temp_c) FROM env", Db));
        var result = doc.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(seconds), what);
            await Task.Delay(100);
        }
    }

    private static string MetricsOf(GatewayService service)
    {
        var text = new StringBuilder();
        service.WriteMetrics(text);
        return text.ToString();
    }

    private static double Metric(GatewayService service, string series)
    {
        foreach (string line in MetricsOf(service).Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal)) return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        }

        return double.NaN;
    }

    /// <summary>Waits until the survivor has received all it will get by itself (its count stops moving for a second).</summary>
    private static async Task<long> SettledReceivedAsync(GatewayService service)
    {
        long last = -1;
        var still = Stopwatch.StartNew();
        while (still.Elapsed < TimeSpan.FromSeconds(1))
        {
            long now = service.Metrics.Received;
            if (now != last) still.Restart();
            last = now;
            await Task.Delay(100);
        }

        return last;
    }

    [Fact]
    public async Task A_restarted_member_picks_up_the_share_mosquitto_queued_for_it()
    {
        string spoolA = NewSpool(), spoolB = NewSpool();
        var (appA, _) = await StartInProcessAsync(Args("gw-a", spoolA, takeover: false));
        var (appB, b) = await StartInProcessAsync(Args("gw-b", spoolB, takeover: false));
        try
        {
            await appA.StopAsync(); // graceful: everything it took is acknowledged; its persistent session stays
            await appA.DisposeAsync();
            await PublishAsync();
            long survivor = await SettledReceivedAsync(b);
            // The fact the takeover exists for: a share of the group's messages waits for the offline member.
            Assert.InRange(survivor, 1, Messages - 1);
            await WaitForAsync(async () => await CountAsync() == survivor, "the survivor's share was not stored");

            var (appA2, a2) = await StartInProcessAsync(Args("gw-a", spoolA, takeover: false));
            await using (appA2)
            {
                await WaitForAsync(async () => await CountAsync() == Messages, "the restarted member did not store its queued share");
                Assert.Equal(Messages - survivor, a2.Metrics.Received);
                await appA2.StopAsync();
            }
        }
        finally
        {
            await appB.StopAsync();
            await appB.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_survivor_drains_a_stopped_members_queue_and_the_member_returning_gets_nothing_twice()
    {
        string spoolA = NewSpool(), spoolB = NewSpool();
        var (appA, _) = await StartInProcessAsync(Args("gw-a", spoolA, takeover: true));
        var (appB, b) = await StartInProcessAsync(Args("gw-b", spoolB, takeover: true));
        try
        {
            await WaitForAsync(() => Task.FromResult(Metric(b, "tracking_gateway_group_members{state=\"online\"}") == 2),
                "the survivor never saw the other member online");
            await appA.StopAsync(); // DISCONNECT with will: the group sees it offline at once
            await appA.DisposeAsync();
            await WaitForAsync(() => Task.FromResult(Metric(b, "tracking_gateway_group_members{state=\"offline\"}") == 1),
                "the survivor never saw the member go offline");
            await PublishAsync();

            // Without the member coming back, every message is stored: the survivor drained the member's share.
            await WaitForAsync(async () => await CountAsync() == Messages, "the dead member's queue was not drained");
            double drained = Metric(b, "tracking_gateway_group_takeover_messages_total");
            Assert.True(drained > 0, "nothing was queued for the stopped member: the test did not test a takeover");
            Assert.Equal(Messages, b.Metrics.Received);
            Assert.True(Metric(b, "tracking_gateway_group_takeovers_total") >= 1);
            Assert.Equal(0, Metric(b, "tracking_gateway_group_takeover_failures_total"));
            await WaitForAsync(() => Task.FromResult(!double.IsNaN(Metric(b, "tracking_gateway_broker_store_messages"))),
                "no $SYS store gauge", seconds: 10);

            // The member returns to an empty session: it receives nothing of what the survivor drained.
            var (appA2, a2) = await StartInProcessAsync(Args("gw-a", spoolA, takeover: true));
            await using (appA2)
            {
                await WaitForAsync(() => Task.FromResult(Metric(b, "tracking_gateway_group_members{state=\"online\"}") == 2),
                    "the survivor never saw the member return");
                await Task.Delay(TimeSpan.FromSeconds(2));
                Assert.Equal(0, a2.Metrics.Received);
                Assert.Equal(Messages, await CountAsync());
                Assert.Equal(Messages, b.Metrics.Received);
                await appA2.StopAsync();
            }
        }
        finally
        {
            await appB.StopAsync();
            await appB.DisposeAsync();
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (string spool in _spools)
        {
            try { Directory.Delete(spool, true); } catch (DirectoryNotFoundException) { }
        }
    }
}
